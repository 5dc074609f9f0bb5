package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.IdemException;
import dev.idem.OutcomeUnknownException;
import dev.idem.RetryPolicy;
import dev.idem.RetryTransactionException;
import dev.idem.TransactionWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Predicate;
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
    private Connection ownConnection() throws SQLException, NoConnection {
        if (dataSource == null) {
            throw new IllegalStateException("This Idem was made for the caller's connections (Idem.forConnections()) and has no DataSource:"
                    + " run the operation through idem.on(connection), or make it with Idem.create(dataSource)");
        }
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            if (e instanceof SQLTransientConnectionException || database.lostConnection(e)) {
                throw new NoConnection(e);
            }
            throw e;
        }
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
     * What may run again after its connection was lost mid-way. A connection the pool could not hand out
     * carried nothing, so that is always retried; past that point it depends on what was in flight.
     *
     * @param retryLost run again on a new connection after the connection was lost before any write was
     *        sent, or in a transaction (which the database then rolled back)
     * @param provesNoEarlierWrite for an operation that is idempotent by key, whose write may be sent again
     *        after its outcome was lost: true when the result shows that the lost write took no effect (the
     *        retry itself created the row); when false the outcome stays unknown and is reported so. Null:
     *        a lost write outcome is reported at once, never retried.
     */
    public record OnLostConnection<T>(boolean retryLost, Predicate<T> provesNoEarlierWrite) {

        /** The caller's connection: once it is gone, only the caller can start again. */
        public static <T> OnLostConnection<T> never() {
            return new OnLostConnection<>(false, null);
        }

        /** Work in a transaction of Idem's own: run again unless the loss hit the COMMIT, whose outcome is unknown. */
        public static <T> OnLostConnection<T> beforeCommit() {
            return new OnLostConnection<>(true, null);
        }

        /** An operation idempotent by key: always run again; {@code proof} tells whether the lost attempt wrote nothing. */
        public static <T> OnLostConnection<T> idempotent(Predicate<T> proof) {
            return new OnLostConnection<>(true, proof);
        }

        /**
         * An operation whose lost attempt leaves nothing a later attempt must answer for, whatever it wrote:
         * always run again, and the retry's answer is the answer. A claim is one: the rows a lost claim took
         * are held under a token no one knows, so no one can finish them, and they return to the queue when
         * their lease lapses, as a dead worker's do.
         */
        public static <T> OnLostConnection<T> always() {
            return new OnLostConnection<>(true, result -> true);
        }
    }

    /**
     * Runs {@code operation} on a connection of Idem's own, every statement in auto-commit mode, and
     * runs it again after a transient failure: nothing of the caller's can be lost by that. A lost
     * connection is retried only when the pool could not hand one out. Never changes the connection's
     * auto-commit mode.
     */
    public <T> T withOwnConnection(Operation<T> operation) {
        return withOwnConnection(operation, OnLostConnection.never());
    }

    /** {@link #withOwnConnection(Operation)}, run again after a lost connection as {@code lost} allows. */
    public <T> T withOwnConnection(Operation<T> operation, OnLostConnection<T> lost) {
        return retrying(retryPolicy, lost, () -> {
            try (Connection connection = ownConnection()) {
                return operation.run(connection);
            }
        });
    }

    /**
     * Runs {@code operation} on the caller's connection. In the caller's transaction a transient failure
     * becomes {@link RetryTransactionException}; in auto-commit mode each statement is its own
     * transaction, so Idem retries as on its own connections, except after the connection was lost.
     */
    public <T> T onCallerConnection(Connection connection, Operation<T> operation) {
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
        } catch (SQLException e) {
            throw database.translate(e, "read the connection's auto-commit mode");
        }
        return retrying(autoCommit ? retryPolicy : RetryPolicy.none(), OnLostConnection.never(), () -> operation.run(connection));
    }

    /**
     * Runs {@code operation} as one transaction on a connection of Idem's own, and runs it again after a
     * transient failure, or after the connection was lost before the COMMIT: for an operation of several
     * statements that must all take effect or none.
     */
    public <T> T withOwnTransaction(Operation<T> operation) {
        return withOwnConnection(connection -> asOneTransaction(connection, operation), OnLostConnection.beforeCommit());
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
        Throwable failure = null;
        try {
            begin(connection); // inside: a BEGIN that fails half-way must still return the connection to auto-commit
            T result = operation.run(connection);
            commit(connection);
            return result;
        } catch (SQLException | RuntimeException e) {
            failure = e;
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            restoreAutoCommit(connection, failure);
        }
    }

    /**
     * Begins a transaction on a connection in auto-commit mode, as a write transaction where the database
     * tells the two apart (SQLite's BEGIN IMMEDIATE, so that the busy timeout applies to it rather than
     * failing its first write).
     */
    private void begin(Connection connection) throws SQLException {
        database.dialect(connection);
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

    /**
     * Commits; a connection lost during the COMMIT leaves its outcome unknown, which is said so. Where the
     * driver's {@code commit()} would go on to begin the next transaction and could fail there after the
     * COMMIT took effect (sqlite-jdbc), Idem sends the COMMIT itself, then a DEFERRED BEGIN, which takes no
     * lock and so cannot be busy: the driver, which still counts a transaction open, ends that one when the
     * connection returns to auto-commit.
     */
    private void commit(Connection connection) throws SQLException {
        try {
            if (!database.driverBeginsAfterCommit()) {
                connection.commit();
                return;
            }
            try (Statement s = connection.createStatement()) {
                s.execute("commit");
                try {
                    s.execute("begin");
                } catch (SQLException e) {
                    throw new DatabaseException("The transaction committed, but the connection could not begin the transaction its driver"
                            + " expects after a COMMIT: " + e.getMessage() + ". Do not run the work again.", e);
                }
            }
        } catch (SQLException e) {
            if (database.lostConnection(e)) {
                throw new OutcomeUnknownException("The connection was lost during the COMMIT: the transaction may or may not have committed,"
                        + " and Idem does not run it again, which could apply it twice. Check what it wrote before running it again. "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Runs {@code work} in a transaction of its own, from the start again after a transient failure or a lost connection before the COMMIT. */
    public <T> T inTransaction(TransactionWork<T> work, RetryPolicy policy) {
        return retrying(policy, OnLostConnection.beforeCommit(), () -> {
            try (Connection connection = ownConnection()) {
                Throwable failure = null;
                try {
                    begin(connection);
                    T result = work.run(connection);
                    commit(connection);
                    return result;
                } catch (Throwable t) {
                    failure = t;
                    rollbackQuietly(connection, t);
                    throw t;
                } finally {
                    restoreAutoCommit(connection, failure); // as the data source handed it out
                }
            }
        });
    }

    private interface Attempt<T> {
        T run() throws Exception;
    }

    /** The pool could not hand out a connection: nothing was sent, so trying again is always safe. */
    private static final class NoConnection extends Exception {
        private static final long serialVersionUID = 1L;

        NoConnection(SQLException cause) {
            super(cause);
        }
    }

    private <T> T retrying(RetryPolicy policy, OnLostConnection<T> lost, Attempt<T> attempt) {
        long started = System.nanoTime();
        OutcomeUnknownException unknown = null; // an attempt lost its connection with a write in flight
        int unknownAttempt = 0;
        for (int i = 1; ; i++) {
            IdemException failure = null;
            T result = null;
            try {
                result = attempt.run();
            } catch (OutcomeUnknownException e) {
                if (lost.provesNoEarlierWrite() == null) {
                    throw e;
                }
                if (unknown == null) {
                    unknown = e;
                    unknownAttempt = i;
                }
                failure = e;
            } catch (RetryTransactionException e) {
                failure = e;
            } catch (NoConnection e) {
                SQLException cause = (SQLException) e.getCause();
                failure = new DatabaseException("Could not get a connection from the data source: " + cause.getMessage(), cause);
            } catch (IdemException e) {
                if (!lost.retryLost() || !database.lostConnection(e)) {
                    throw e;
                }
                failure = e;
            } catch (SQLException e) {
                IdemException translated = database.translate(e, "run the work");
                if (!(translated instanceof RetryTransactionException) && !(lost.retryLost() && database.lostConnection(e))) {
                    throw translated;
                }
                failure = translated;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new DatabaseException("The unit of work failed: " + e.getMessage(), e);
            }
            if (failure == null) {
                if (unknown != null && !lost.provesNoEarlierWrite().test(result)) {
                    throw new OutcomeUnknownException("Attempt " + unknownAttempt + " lost its connection after sending its write, and attempt " + i
                            + " on a new connection found the work already done (" + result + "): done by the lost write, or by a concurrent"
                            + " caller. It took effect once; whether this call did it is unknown. Running the operation again is safe.", unknown);
                }
                return result;
            }
            if (i >= policy.attempts()) {
                throw gaveUp(failure, unknown, i, started);
            }
            pause(policy, i + 1);
        }
    }

    /**
     * The last failure, of the same type, with a message that says Idem retried and gave up; an
     * {@link OutcomeUnknownException} whenever an attempt lost its connection with a write in flight, since
     * that write may have taken effect whatever the later attempts met.
     */
    private static IdemException gaveUp(IdemException last, OutcomeUnknownException unknown, int attempts, long started) {
        if (attempts == 1) {
            return last;
        }
        String message = "Gave up after " + attempts + " attempts in " + (System.nanoTime() - started) / 1_000_000 + " ms (the retry policy's"
                + " limit); the last one failed: " + last.getMessage();
        IdemException gaveUp = unknown != null && last != unknown ? new OutcomeUnknownException(message + " An earlier attempt lost its connection"
                + " with its write in flight, and that write may have taken effect: " + unknown.getMessage(), last.getCause())
                : last instanceof RetryTransactionException ? new RetryTransactionException(message, last.getCause())
                : last instanceof OutcomeUnknownException ? new OutcomeUnknownException(message, last.getCause())
                : new DatabaseException(message, last.getCause());
        gaveUp.setStackTrace(last.getStackTrace());
        return gaveUp;
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

    /** Back to auto-commit; on a broken connection the failure that broke it is the one to report. */
    private static void restoreAutoCommit(Connection connection, Throwable failure) throws SQLException {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /**
     * Rolls back, adding any failure to {@code cause}. Where the driver's {@code rollback()} would go on to
     * begin the next transaction (sqlite-jdbc, which waits for the write lock there in IMMEDIATE mode), the
     * ROLLBACK and a DEFERRED BEGIN are sent as statements, as in {@link #commit}; the ROLLBACK fails
     * harmlessly when the database has ended the transaction already.
     */
    private void rollbackQuietly(Connection connection, Throwable cause) {
        if (!database.driverBeginsAfterCommit()) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
            return;
        }
        try (Statement s = connection.createStatement()) {
            try {
                s.execute("rollback");
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
            try {
                s.execute("begin");
            } catch (SQLException e) {
                cause.addSuppressed(e);
                connection.rollback(); // the transaction is still open: roll it back as the driver does, never let auto-commit commit it
            }
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
