package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.IdemException;
import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import dev.idem.TransactionWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * Who owns the transaction, and so who may retry: Idem on connections of its own (auto-commit, retried),
 * the caller on its own connection (never committed or rolled back by Idem; told to retry), and
 * {@code inTransaction}, which runs a whole unit of work again. Every transaction Idem opens itself is
 * begun and ended here; the operations run on the connection they are given and never begin, commit or
 * roll back.
 */
public final class Transactions {

    private final DataSource dataSource;
    private final RetryPolicy retryPolicy;
    private final Database database;

    public Transactions(DataSource dataSource, RetryPolicy retryPolicy, Database database) {
        this.dataSource = dataSource;
        this.retryPolicy = retryPolicy;
        this.database = database;
    }

    /**
     * A connection of Idem's own: one the data source hands out in auto-commit mode. A connection with
     * auto-commit off may carry a transaction that is not Idem's (Spring's TransactionAwareDataSourceProxy
     * inside a transaction, a JTA data source), and JDBC cannot tell it from a pool's fresh connection:
     * switching it to auto-commit, committing or rolling it back would end that transaction. So Idem refuses
     * it, before any statement.
     */
    private Connection ownConnection() throws SQLException {
        if (dataSource == null) {
            throw new IllegalStateException("This Idem was made for the caller's connections (Idem.forConnections()) and has no DataSource:"
                    + " run the operation through idem.on(connection), or make it with Idem.create(dataSource)");
        }
        Connection connection = dataSource.getConnection();
        try {
            if (!connection.getAutoCommit()) {
                throw new IllegalStateException("The data source handed Idem a connection with auto-commit off. Idem.create(dataSource) takes"
                        + " as its own only connections in auto-commit mode: one with auto-commit off may carry a transaction that is not"
                        + " Idem's (Spring's TransactionAwareDataSourceProxy inside @Transactional, a JTA data source), and turning"
                        + " auto-commit on would commit it. Inside your transaction, run the operation through idem.on(connection)"
                        + " (with Spring, through idem-spring's SpringIdem); otherwise give Idem a data source whose connections come in"
                        + " auto-commit mode (HikariCP's default).");
            }
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return connection;
    }

    /** A unit of Idem's own work on one connection. */
    public interface Operation<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code operation} on a connection of Idem's own, every statement in auto-commit mode, and
     * runs it again after a transient failure: nothing of the caller's can be lost by that. Never changes
     * the connection's auto-commit mode.
     */
    public <T> T withOwnConnection(Operation<T> operation) {
        return retrying(retryPolicy, () -> {
            try (Connection connection = ownConnection()) {
                return operation.run(connection);
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
            throw database.translate(e, "read the connection's auto-commit mode");
        }
        return retrying(autoCommit ? retryPolicy : RetryPolicy.none(), () -> operation.run(connection));
    }

    /**
     * Runs {@code operation} as one transaction on a connection of Idem's own, and runs it again after a
     * transient failure: for an operation of several statements that must all take effect or none.
     */
    public <T> T withOwnTransaction(Operation<T> operation) {
        return withOwnConnection(connection -> asOneTransaction(connection, operation));
    }

    /**
     * Runs {@code operation}'s statements as one transaction: the caller's, when one is open on
     * {@code connection}; otherwise (auto-commit mode, where each statement would commit by itself) one
     * of Idem's own, begun here as a write transaction, committed, or rolled back when the operation
     * fails, and the connection returned to auto-commit.
     */
    public <T> T asOneTransaction(Connection connection, Operation<T> operation) throws SQLException {
        if (!connection.getAutoCommit()) {
            return operation.run(connection);
        }
        begin(connection);
        try {
            T result = operation.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * Begins a transaction on a connection in auto-commit mode, as a write transaction where the database
     * tells the two apart (SQLite's BEGIN IMMEDIATE, so that the busy timeout applies to it rather than
     * failing its first write).
     */
    private void begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        List<String> statements = database.beginWrite();
        if (!statements.isEmpty()) {
            try (Statement s = connection.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
        }
    }

    /** Runs {@code work} in a transaction of its own, from the start again after a transient failure. */
    public <T> T inTransaction(TransactionWork<T> work, RetryPolicy policy) {
        return retrying(policy, () -> {
            try (Connection connection = ownConnection()) {
                database.dialect(connection);
                try {
                    begin(connection);
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (Throwable t) {
                    rollbackQuietly(connection, t);
                    throw t;
                } finally {
                    connection.setAutoCommit(true); // as the data source handed it out
                }
            }
        });
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
                IdemException translated = database.translate(e, "run the transaction");
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
