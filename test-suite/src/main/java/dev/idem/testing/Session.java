package dev.idem.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One database session on a thread of its own, for interleavings written step by step: each step runs
 * on the session's thread, {@link #start} lets it run while the test goes on, and {@link #awaitBlocked}
 * returns once the database reports the session waiting for a lock ({@link LockWaits}).
 */
public final class Session implements AutoCloseable {

    /** One step of the interleaving, run on the session's connection. */
    public interface Step<T> {
        T run(Connection connection) throws Exception;
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final TestDatabase db;
    private final Connection connection;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final Object backendId;

    private Session(TestDatabase db, Connection connection) throws SQLException {
        this.db = db;
        this.connection = connection;
        this.backendId = LockWaits.backendId(connection, db.engine());
    }

    /** A session in auto-commit mode. */
    public static Session open(TestDatabase db) throws SQLException {
        return new Session(db, db.connect());
    }

    /** A session whose transactions run at {@code isolation}; {@link #begin()} starts one. */
    public static Session open(TestDatabase db, int isolation) throws SQLException {
        Session session = open(db);
        if (db.engine() != Engine.SQLITE) {
            session.connection.setTransactionIsolation(isolation);
        }
        return session;
    }

    public Connection connection() {
        return connection;
    }

    public void begin() throws Exception {
        call(c -> {
            c.setAutoCommit(false);
            return null;
        });
    }

    public void commit() throws Exception {
        call(c -> {
            c.commit();
            c.setAutoCommit(true);
            return null;
        });
    }

    public void rollback() throws Exception {
        call(c -> {
            c.rollback();
            c.setAutoCommit(true);
            return null;
        });
    }

    /** Runs a step on the session's thread and waits for it. */
    public <T> T call(Step<T> step) throws Exception {
        try {
            return start(step).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Starts a step on the session's thread and returns at once. */
    public <T> Future<T> start(Step<T> step) {
        return thread.submit(() -> step.run(connection));
    }

    /** Runs statements in the session, for set-up steps such as a first read that fixes a snapshot. */
    public void execute(String sql) throws Exception {
        call(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    /**
     * Returns once the database shows this session waiting for a lock. SQLite shows no such thing; there
     * the caller must have reached the blocking statement by other means (a {@code JdbcSpy} hook).
     */
    public void awaitBlocked() throws Exception {
        LockWaits.awaitBlocked(db, backendId);
    }

    /** Returns once another session waits for a lock this session holds. */
    public void awaitAnotherBlockedBehindMe() throws Exception {
        LockWaits.awaitAnotherBlockedBehind(db, backendId);
    }

    /**
     * Starts {@code step} in this session (in a transaction that it commits, except on SQLite, where a
     * transaction that reads before it writes cannot wait for the lock) and returns once the session is
     * inside its INSERT, waiting for the lock another session holds: the database says so, or on SQLite
     * the session's thread is seen waiting inside the driver.
     */
    public <T> Future<T> startBlockedInInsert(Step<T> step) throws Exception {
        boolean transaction = db.engine() != Engine.SQLITE;
        if (transaction) {
            begin();
        }
        CountDownLatch inserting = new CountDownLatch(1);
        Thread[] runner = new Thread[1];
        JdbcSpy spy = new JdbcSpy();
        spy.beforeExecute(sql -> {
            if (sql.toLowerCase(java.util.Locale.ROOT).contains("insert into")) {
                runner[0] = Thread.currentThread();
                inserting.countDown();
            }
        });
        Future<T> result = start(c -> {
            T value = step.run(spy.wrap(c));
            if (transaction) {
                c.commit();
                c.setAutoCommit(true);
            }
            return value;
        });
        assertTrue(inserting.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the session never reached its INSERT");
        if (db.engine() == Engine.SQLITE) {
            LockWaits.awaitInDriver(runner[0]);
        } else {
            awaitBlocked();
        }
        assertFalse(result.isDone(), "the session must wait for the lock");
        return result;
    }

    @Override
    public void close() throws Exception {
        thread.shutdownNow();
        thread.awaitTermination(10, TimeUnit.SECONDS);
        connection.close();
    }
}
