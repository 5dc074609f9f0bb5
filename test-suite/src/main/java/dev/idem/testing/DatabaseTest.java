package dev.idem.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a test once per database, handing it a fresh {@link TestDatabase} that is dropped afterwards.
 * Each invocation is named after its database and version ({@code [postgresql]}, {@code [postgresql-18]});
 * reports show {@code two sessions insert the same key[postgresql]}.
 *
 * <p>A server database that cannot be provided is skipped with a message saying how to provide it;
 * when the environment variable {@code CI=true} the invocation fails instead. The environment variable
 * {@code IDEM_DATABASES} (comma-separated ids) narrows a run to some databases.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
@ArgumentsSource(DatabaseArguments.class)
@ExtendWith(DatabaseAvailability.class)
public @interface DatabaseTest {

    /** The engines this scenario applies to, each at every selected version; all of them when empty. */
    Engine[] value() default {};
}
