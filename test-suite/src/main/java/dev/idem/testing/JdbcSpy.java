package dev.idem.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Watches the statements that reach the driver: wraps a connection or a data source so that every
 * execution is counted and its SQL recorded, and a hook can run just before it (to pause a session at
 * an exact point of an interleaving). This is how statement budgets are asserted at the JDBC level.
 */
public final class JdbcSpy {

    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "executeLargeBatch");

    private final List<String> executed = new CopyOnWriteArrayList<>();
    private volatile Hook beforeExecute = (connection, sql) -> { };

    /** Runs on the executing thread just before a statement executes. */
    public interface Hook {
        /** @param connection the wrapped (driver's or pool's) connection the statement runs on */
        void before(Connection connection, String sql);
    }

    /** The SQL of every statement executed so far, in order. */
    public List<String> executed() {
        return List.copyOf(executed);
    }

    public int count() {
        return executed.size();
    }

    public void reset() {
        executed.clear();
    }

    /** Runs {@code hook} with the SQL just before each execution, on the executing thread. */
    public void beforeExecute(Consumer<String> hook) {
        this.beforeExecute = (connection, sql) -> hook.accept(sql);
    }

    /** Runs {@code hook} with the connection and the SQL just before each execution, on the executing thread. */
    public void beforeExecute(Hook hook) {
        this.beforeExecute = hook;
    }

    public Connection wrap(Connection connection) {
        return proxy(Connection.class, connection, (target, method, args) -> {
            Object result = invoke(target, method, args);
            if (result instanceof Statement statement && method.getName().startsWith("prepare")) {
                String sql = (String) args[0];
                Class<?> type = method.getReturnType();
                return proxy(type, statement, (t, m, a) -> {
                    if (EXECUTIONS.contains(m.getName())) {
                        note(connection, a != null && a.length > 0 && a[0] instanceof String s ? s : sql);
                    }
                    return invoke(t, m, a);
                });
            }
            if (result instanceof Statement statement) {
                return proxy(method.getReturnType(), statement, (t, m, a) -> {
                    if (EXECUTIONS.contains(m.getName())) {
                        note(connection, a != null && a.length > 0 && a[0] instanceof String s ? s : "<batch>");
                    }
                    return invoke(t, m, a);
                });
            }
            return result;
        });
    }

    public DataSource wrap(DataSource dataSource) {
        return DataSources.wrapping(dataSource, this::wrap);
    }

    private void note(Connection connection, String sql) {
        executed.add(sql);
        beforeExecute.before(connection, sql);
    }

    private interface Call {
        Object invoke(Object target, Method method, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Object target, Call call) {
        InvocationHandler handler = (p, method, args) -> call.invoke(target, method, args);
        return (T) Proxy.newProxyInstance(JdbcSpy.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
