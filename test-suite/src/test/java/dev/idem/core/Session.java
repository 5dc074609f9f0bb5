package dev.idem.core;

import dev.idem.testing.Engine;
import dev.idem.testing.Faults;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One database session on a thread of its own, for interleavings written step by step: each step runs
 * on the session's thread, {@link #start} lets it run while the test goes on, and {@link #awaitBlocked}
 * returns once the database reports the session waiting for a lock.
 */
final class Session implements AutoCloseable {

    interface Step<T> {
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
        this.backendId = switch (db.engine()) {
            case POSTGRESQL -> single("select pg_backend_pid()");
            case MARIADB, MYSQL -> single("select connection_id()");
            case H2 -> single("select session_id()");
            case SQLITE -> null;
        };
    }

    /** A session in auto-commit mode. */
    static Session open(TestDatabase db) throws SQLException {
        return new Session(db, db.connect());
    }

    /** A session whose transactions run at {@code isolation}; {@link #begin()} starts one. */
    static Session open(TestDatabase db, int isolation) throws SQLException {
        Session session = open(db);
        if (db.engine() != Engine.SQLITE) {
            session.connection.setTransactionIsolation(isolation);
        }
        return session;
    }

    Connection connection() {
        return connection;
    }

    void begin() throws Exception {
        call(c -> {
            c.setAutoCommit(false);
            return null;
        });
    }

    void commit() throws Exception {
        call(c -> {
            c.commit();
            c.setAutoCommit(true);
            return null;
        });
    }

    void rollback() throws Exception {
        call(c -> {
            c.rollback();
            c.setAutoCommit(true);
            return null;
        });
    }

    /** Runs a step on the session's thread and waits for it. */
    <T> T call(Step<T> step) throws Exception {
        try {
            return start(step).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Starts a step on the session's thread and returns at once. */
    <T> Future<T> start(Step<T> step) {
        return thread.submit(() -> step.run(connection));
    }

    /** Runs statements in the session, for set-up steps such as a first read that fixes a snapshot. */
    void execute(String sql) throws Exception {
        call(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    /**
     * Returns once the database shows this session waiting for a lock ({@link Faults#waitingForLockSql}). SQLite shows no such thing; there
     * the caller must have reached the blocking statement by other means (a {@code JdbcSpy} hook).
     */
    void awaitBlocked() throws Exception {
        awaitCount(Faults.waitingForLockSql(db.engine()), "never waited for a lock");
    }

    /** Returns once another session waits for a lock this session holds. */
    void awaitAnotherBlockedBehindMe() throws Exception {
        awaitCount(switch (db.engine()) {
            case POSTGRESQL -> "select count(*) from pg_stat_activity where ? = any(pg_blocking_pids(pid))";
            case MARIADB -> "select count(*) from information_schema.innodb_lock_waits w join information_schema.innodb_trx t"
                    + " on w.blocking_trx_id = t.trx_id where t.trx_mysql_thread_id = ?";
            case MYSQL -> "select count(*) from performance_schema.data_lock_waits w join information_schema.innodb_trx t"
                    + " on w.blocking_engine_transaction_id = t.trx_id where t.trx_mysql_thread_id = ?";
            case H2 -> throw new IllegalStateException("H2 does not report who blocks whom");
            case SQLITE -> throw new IllegalStateException("SQLite does not report lock waits");
        }, "never blocked another session");
    }

    private void awaitCount(String sql, String failure) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (Connection observer = db.connect(); PreparedStatement ps = observer.prepareStatement(sql)) {
            ps.setObject(1, backendId);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(2); // polling, not waiting for the interleaving: the database decides when the lock wait shows
            }
        }
        throw new TimeoutException("session " + backendId + " " + failure + " on " + db.engine() + diagnostics());
    }

    /** What the database says of this session, for a failure message. */
    private String diagnostics() {
        String sql = switch (db.engine()) {
            case POSTGRESQL -> "select state || ' ' || coalesce(wait_event_type, '-') || ' ' || query from pg_stat_activity where pid = ?";
            case MARIADB, MYSQL -> "select concat(coalesce(command, ''), ' ', coalesce(state, ''), ' ', coalesce(info, '')) from information_schema.processlist where id = ?";
            default -> null;
        };
        if (sql == null) {
            return "";
        }
        try (Connection observer = db.connect(); PreparedStatement ps = observer.prepareStatement(sql)) {
            ps.setObject(1, backendId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ": " + rs.getString(1) : ": no such session";
            }
        } catch (SQLException e) {
            return ": " + e.getMessage();
        }
    }

    private Object single(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }

    @Override
    public void close() throws Exception {
        thread.shutdownNow();
        thread.awaitTermination(10, TimeUnit.SECONDS);
        connection.close();
    }
}
