package dev.idem.testing;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Before each invocation, makes sure its server database exists: skips the invocation when it does not
 * (saying how to provide it), and fails it instead when {@code CI=true} or when an explicitly configured
 * server cannot be reached.
 */
final class DatabaseAvailability implements InvocationInterceptor {

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext extensionContext) throws Throwable {
        for (Object argument : invocationContext.getArguments()) {
            if (argument instanceof TestDatabase database && database.engine().isServer()) {
                Servers.Availability availability = Servers.availability(database.target());
                if (!availability.available()) {
                    invocation.skip();
                    if (availability.broken() || Servers.inCi()) {
                        Assertions.fail((Servers.inCi() ? "CI=true and " : "") + availability.problem());
                    }
                    Assumptions.abort(availability.problem());
                }
            }
        }
        invocation.proceed();
    }
}
