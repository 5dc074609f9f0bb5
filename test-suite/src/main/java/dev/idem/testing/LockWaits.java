package dev.idem.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

/**
 * Asks the database whether a session waits on a lock: how a test proves that "B waits for A" instead of
 * sleeping and hoping. A session is known by its backend id ({@link #backendId}), read on its own
 * connection before it blocks. SQLite reports no lock waits; there {@link #awaitInDriver} asks the JVM
 * whether the session's thread is inside the driver, which it is only while it waits for the lock.
 */
public final class LockWaits {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private LockWaits() {
    }

    /** The id the database knows {@code connection}'s session by; null on SQLite, which has no such id. */
    public static Object backendId(Connection connection, Engine engine) throws SQLException {
        String sql = switch (engine) {
            case POSTGRESQL -> "select pg_backend_pid()";
            case MARIADB, MYSQL -> "select connection_id()";
            case H2 -> "select session_id()";
            case SQLITE -> null;
        };
        if (sql == null) {
            return null;
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }

    /** Returns once the database shows session {@code backendId} waiting for a lock; fails after 30 s. */
    public static void awaitBlocked(TestDatabase db, Object backendId) throws Exception {
        awaitCount(db, backendId, switch (db.engine()) {
            case POSTGRESQL -> "select count(*) from pg_stat_activity where pid = ? and wait_event_type = 'Lock'";
            // InnoDB's trx view does not always show a duplicate-key check waiting; the process list shows its statement in "update".
            case MARIADB, MYSQL -> "select count(*) from information_schema.processlist p where p.id = ? and (lower(p.state) = 'update'"
                    + " or exists (select 1 from information_schema.innodb_trx t where t.trx_mysql_thread_id = p.id and t.trx_state = 'LOCK WAIT'))";
            // H2 reports no blocker for a row lock wait, only the statement still executing.
            case H2 -> "select count(*) from information_schema.sessions where session_id = ? and executing_statement is not null";
            case SQLITE -> throw new IllegalStateException("SQLite does not report lock waits; use awaitInDriver");
        }, "never waited for a lock");
    }

    /** Returns once another session waits for a lock that session {@code backendId} holds. */
    public static void awaitAnotherBlockedBehind(TestDatabase db, Object backendId) throws Exception {
        awaitCount(db, backendId, switch (db.engine()) {
            case POSTGRESQL -> "select count(*) from pg_stat_activity where ? = any(pg_blocking_pids(pid))";
            case MARIADB -> "select count(*) from information_schema.innodb_lock_waits w join information_schema.innodb_trx t"
                    + " on w.blocking_trx_id = t.trx_id where t.trx_mysql_thread_id = ?";
            case MYSQL -> "select count(*) from performance_schema.data_lock_waits w join information_schema.innodb_trx t"
                    + " on w.blocking_engine_transaction_id = t.trx_id where t.trx_mysql_thread_id = ?";
            case H2 -> throw new IllegalStateException("H2 does not report who blocks whom");
            case SQLITE -> throw new IllegalStateException("SQLite does not report lock waits");
        }, "never blocked another session");
    }

    /**
     * SQLite: returns once {@code thread} is inside the driver (package {@code org.sqlite}), where a session
     * that another holds the write lock against spends its busy timeout. Uncontended, a statement leaves the
     * driver within microseconds, so a thread seen there repeatedly is waiting.
     */
    public static void awaitInDriver(Thread thread) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            boolean inDriver = Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("org.sqlite."));
            seen = inDriver ? seen + 1 : 0;
            if (seen >= 5) {
                return;
            }
            Thread.sleep(10); // polling the thread's state, not waiting for the interleaving
        }
        throw new TimeoutException(thread.getName() + " never waited inside the SQLite driver");
    }

    private static void awaitCount(TestDatabase db, Object backendId, String sql, String failure) throws Exception {
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
        throw new TimeoutException("session " + backendId + " " + failure + " on " + db.engine() + diagnostics(db, backendId));
    }

    /** What the database says of a session, for a failure message. */
    private static String diagnostics(TestDatabase db, Object backendId) {
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
}
