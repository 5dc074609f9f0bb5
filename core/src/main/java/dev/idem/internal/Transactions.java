package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.IdemException;
import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import dev.idem.TransactionWork;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Who owns the transaction, and so who may retry: Idem on connections of its own (auto-commit, retried),
 * the caller on its own connection (never committed or rolled back by Idem; told to retry), and
 * {@code inTransaction}, which runs a whole unit of work again.
 */
public final class Transactions {

    private final DataSource dataSource;
    private final RetryPolicy retryPolicy;
    private final Engine engine;

    public Transactions(DataSource dataSource, RetryPolicy retryPolicy, Engine engine) {
        this.dataSource = dataSource;
        this.retryPolicy = retryPolicy;
        this.engine = engine;
    }

    private Connection ownConnection() throws SQLException {
        if (dataSource == null) {
            throw new IllegalStateException("This Idem was made for the caller's connections (Idem.forConnections()) and has no DataSource:"
                    + " run the operation through idem.on(connection), or make it with Idem.create(dataSource)");
        }
        return dataSource.getConnection();
    }

    /** A unit of Idem's own work on one connection. */
    public interface Operation<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code operation} on a connection of Idem's own, every statement in auto-commit mode, and
     * runs it again after a transient failure: nothing of the caller's can be lost by that.
     */
    public <T> T withOwnConnection(Operation<T> operation) {
        return retrying(retryPolicy, () -> {
            try (Connection connection = ownConnection()) {
                boolean restore = !connection.getAutoCommit();
                if (restore) {
                    connection.setAutoCommit(true);
                }
                try {
                    return operation.run(connection);
                } finally {
                    if (restore) {
                        connection.setAutoCommit(false);
                    }
                }
            }
        });
    }

    /**
     * Runs {@code operation} on the caller's connection. In the caller's transaction a transient failure
     * becomes {@link RetryTransactionException}; in auto-commit mode each statement is its own
     * transaction, so Idem retries as on its own connections.
     */
    public <T> T onCallerConnection(Connection connection, Operation<T> operation) {
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
        } catch (SQLException e) {
            throw engine.translate(e, "read the connection's auto-commit mode");
        }
        return retrying(autoCommit ? retryPolicy : RetryPolicy.none(), () -> operation.run(connection));
    }

    /** Runs {@code work} in a transaction of its own, from the start again after a transient failure. */
    public <T> T inTransaction(TransactionWork<T> work, RetryPolicy policy) {
        return retrying(policy, () -> {
            try (Connection connection = ownConnection()) {
                engine.dialect(connection);
                boolean autoCommit = connection.getAutoCommit();
                try {
                    Statements.beginWriteTransaction(connection, engine.vendor());
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (Throwable t) {
                    rollbackQuietly(connection, t);
                    throw t;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            }
        });
    }

    /**
     * Runs {@code operation} as one transaction on {@code connection}, which is in auto-commit mode (so no
     * one else's transaction is open on it): begun (IMMEDIATE on SQLite), committed, or rolled back and the
     * failure rethrown. Not retried here: {@link #withOwnConnection} or {@link #onCallerConnection}, which
     * handed out the connection, runs the whole operation again.
     */
    static <T> T oneTransaction(Connection connection, Vendor vendor, Operation<T> operation) throws SQLException {
        return Statements.inOneTransaction(connection, vendor, () -> operation.run(connection));
    }

    private interface Attempt<T> {
        T run() throws Exception;
    }

    private <T> T retrying(RetryPolicy policy, Attempt<T> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.run();
            } catch (RetryTransactionException e) {
                if (i >= policy.attempts()) {
                    throw e;
                }
            } catch (SQLException e) {
                IdemException translated = engine.translate(e, "run the transaction");
                if (!(translated instanceof RetryTransactionException) || i >= policy.attempts()) {
                    throw translated;
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new DatabaseException("The unit of work failed: " + e.getMessage(), e);
            }
            pause(policy, i + 1);
        }
    }

    private static void pause(RetryPolicy policy, int next) {
        long nanos = policy.backoffBefore(next).toNanos();
        if (nanos > 0) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseException("Interrupted while waiting to retry", e);
            }
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
