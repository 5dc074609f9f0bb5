package dev.idem.testing;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.AnnotationBasedArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

/** One fresh {@link TestDatabase} per selected target of the named engines; JUnit closes (drops) each after its invocation. */
final class DatabaseArguments extends AnnotationBasedArgumentsProvider<DatabaseTest> {

    @Override
    protected Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context,
                                                           DatabaseTest annotation) {
        Set<Engine> engines = annotation.value().length == 0
                ? EnumSet.allOf(Engine.class)
                : EnumSet.copyOf(Arrays.asList(annotation.value()));
        return Servers.selected().stream()
                .filter(target -> engines.contains(target.engine()))
                .map(target -> Arguments.of(new TestDatabase(target)));
    }
}
