package dev.idem.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Breaks things on a real database, for fault tests: kills a session from another connection
 * ({@code pg_terminate_backend}, {@code KILL CONNECTION}, H2's {@code ABORT_SESSION}; SQLite, which has
 * no sessions, by closing the connection), waits until a session is blocked on a lock as the database
 * reports it, sets lock and statement timeouts, makes pools that fail fast, and checks that nothing
 * leaked (the pool's active connections, threads). Pair it with a {@link Breakpoint} to hit an exact
 * statement, a {@link TcpProxy} to cut or stall the network, a {@link DedicatedServer} to restart one.
 */
public final class Faults {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** How long a MySQL or MariaDB session listed as {@code Killed} may take to leave the list before it counts as gone. */
    private static final Duration KILLED_GRACE = Duration.ofSeconds(2);

    private final TestDatabase db;

    public Faults(TestDatabase db) {
        this.db = db;
    }

    /** The id the database gives the session of {@code connection}; {@code null} on SQLite, which has none. */
    public static Object sessionId(Engine engine, Connection connection) throws SQLException {
        return LockWaits.backendId(connection, engine);
    }

    /**
     * Kills the session of {@code victim} from another connection, as an administrator or a failover
     * would. SQLite has no sessions: the victim's own (driver's) connection is closed from this thread.
     */
    public void kill(Victim victim) throws Exception {
        switch (db.engine()) {
            case POSTGRESQL -> adminQuery("select pg_terminate_backend(?)", victim.sessionId());
            // KILL takes no parameter; the id is a number the server gave out, never a caller's text.
            case MARIADB, MYSQL -> db.execute("kill connection " + Long.parseLong(victim.sessionId().toString()));
            case H2 -> adminQuery("select abort_session(?)", victim.sessionId());
            case SQLITE -> victim.connection().unwrap(Connection.class).close();
        }
        if (db.engine() != Engine.SQLITE) {
            awaitGone(victim.sessionId());
        }
    }

    /**
     * Returns once the database no longer lists the session, so that its next statement cannot slip in before
     * the kill. MySQL and MariaDB list a session whose kill flag is set as {@code Killed} until its thread
     * notices and ends; an idle thread does so at once, but a MySQL 8.0 thread has been seen to stay listed
     * for more than 30 seconds. Such a session counts as gone once it has been flagged for {@link #KILLED_GRACE}.
     */
    private void awaitGone(Object sessionId) throws Exception {
        String sql = switch (db.engine()) {
            case POSTGRESQL -> "select count(*), 0 from pg_stat_activity where pid = ?";
            case MARIADB, MYSQL -> "select count(*), sum(command = 'Killed') from information_schema.processlist where id = ?";
            default -> "select count(*), 0 from information_schema.sessions where session_id = ?";
        };
        long started = System.nanoTime();
        long deadline = started + PATIENCE.toNanos();
        try (Connection observer = db.connect(); PreparedStatement ps = observer.prepareStatement(sql)) {
            ps.setObject(1, sessionId);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    boolean listed = rs.getLong(1) != 0;
                    boolean flagged = rs.getLong(2) != 0;
                    if (!listed || flagged && System.nanoTime() - started > KILLED_GRACE.toNanos()) {
                        return;
                    }
                }
                Thread.sleep(2); // polling the database until the session has ended
            }
        }
        throw new TimeoutException("session " + sessionId + " outlived its kill on " + db.engine() + "; sessions:" + sessions());
    }

    private void adminQuery(String sql, Object parameter) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    /** Returns once the database shows session {@code sessionId} waiting for a lock (see {@link LockWaits}). */
    public void awaitBlocked(Object sessionId) throws Exception {
        LockWaits.awaitBlocked(db, sessionId);
    }

    /** What the database says its sessions are doing, for a failure message. */
    public String sessions() {
        String sql = switch (db.engine()) {
            case POSTGRESQL -> "select pid || ' ' || coalesce(state, '') || ' ' || coalesce(wait_event_type, '-') || ' ' || query from pg_stat_activity"
                    + " where backend_type = 'client backend'";
            case MARIADB, MYSQL -> "select concat(id, ' ', coalesce(command, ''), ' ', coalesce(state, ''), ' ', coalesce(info, ''))"
                    + " from information_schema.processlist";
            case H2 -> "select session_id || ' ' || coalesce(executing_statement, '-') from information_schema.sessions";
            case SQLITE -> null;
        };
        if (sql == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.append("\n  ").append(rs.getString(1));
            }
        } catch (SQLException e) {
            out.append(e.getMessage());
        }
        return out.toString();
    }

    /**
     * The statement that makes a session give up waiting for a lock after {@code timeout}: PostgreSQL's
     * {@code lock_timeout}, InnoDB's {@code innodb_lock_wait_timeout} (whole seconds, at least 1), H2's
     * {@code LOCK_TIMEOUT}, SQLite's {@code busy_timeout}.
     */
    public static String lockTimeout(Engine engine, Duration timeout) {
        long ms = timeout.toMillis();
        return switch (engine) {
            case POSTGRESQL -> "set lock_timeout = " + ms;
            case MARIADB, MYSQL -> "set session innodb_lock_wait_timeout = " + Math.max(1, timeout.toSeconds());
            case H2 -> "set lock_timeout " + ms;
            case SQLITE -> "pragma busy_timeout = " + ms;
        };
    }

    /**
     * The statement that makes a session cancel a statement running longer than {@code timeout}:
     * PostgreSQL's {@code statement_timeout}, MySQL's {@code max_execution_time} (which bounds SELECTs only),
     * MariaDB's {@code max_statement_time}, H2's {@code QUERY_TIMEOUT}; {@code null} on SQLite, which has
     * only the driver's query timeout.
     */
    public static String statementTimeout(Engine engine, Duration timeout) {
        return switch (engine) {
            case POSTGRESQL -> "set statement_timeout = " + timeout.toMillis();
            case MYSQL -> "set session max_execution_time = " + timeout.toMillis();
            case MARIADB -> "set session max_statement_time = " + timeout.toMillis() / 1000.0;
            case H2 -> "set query_timeout " + timeout.toMillis();
            case SQLITE -> null;
        };
    }

    /** A small pool on this test's database that fails fast when the database is unreachable. */
    public HikariDataSource pool(String name) {
        return pool(name, db.url(), db.properties());
    }

    /**
     * A small pool on {@code url} (a {@link TcpProxy#route routed} URL, say): up to 8 connections, none kept
     * idle, and a 3 s connection timeout, so that an outage shows as a failure to connect, not a long hang.
     */
    public static HikariDataSource pool(String name, String url, Properties properties) {
        return pool(name, url, properties, null);
    }

    /** {@link #pool(String, String, Properties)} whose connections first run {@code initSql} (a {@link #lockTimeout}, say), unless null. */
    public static HikariDataSource pool(String name, String url, Properties properties, String initSql) {
        HikariConfig config = new HikariConfig();
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
        }
        config.setJdbcUrl(url);
        config.setDataSourceProperties(properties);
        config.setUsername(properties.getProperty("user"));
        config.setPassword(properties.getProperty("password"));
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(3_000);
        config.setInitializationFailTimeout(-1);
        config.setPoolName(name);
        if (url.startsWith("jdbc:mysql:")) {
            // Connector/J otherwise asks a MySQL server whether the session is read-only before each write:
            // a fault aimed at the write would hit that question instead.
            config.addDataSourceProperty("useLocalSessionState", "true");
        }
        if (url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:h2:")) {
            config.setExceptionOverrideClassName(EmbeddedClosedConnections.class.getName());
        }
        return new HikariDataSource(config);
    }

    /**
     * HikariCP evicts a connection whose error has a connection SQLSTATE (08xxx). The embedded databases
     * report a session closed under the pool otherwise: sqlite-jdbc with no SQLSTATE at all, H2 with its own
     * codes (90121 after {@code ABORT_SESSION}, 90007 on a closed object, 90098 database closed), so the pool
     * would hand the dead connection out again. This override, as an application would configure, evicts it.
     */
    public static final class EmbeddedClosedConnections implements SQLExceptionOverride {
        private static final Set<Integer> H2_CLOSED = Set.of(90007, 90067, 90098, 90121);

        @java.lang.Override
        public Override adjudicate(SQLException e) {
            String message = String.valueOf(e.getMessage());
            boolean closed = e.getErrorCode() == 0 && (message.contains("database connection closed") || message.contains("statement is not executing"))
                    || H2_CLOSED.contains(e.getErrorCode());
            return closed ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
        }
    }

    /** The live threads' names, for {@link #assertNoLeaks}. */
    public static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
    }

    /**
     * Fails unless {@code pool} has no connection checked out and every thread started since
     * {@code before} was taken has ended (a pool's own threads excepted; they end with it). Waits a
     * little for threads that are winding down. A {@link TcpProxy}'s threads end when it is closed.
     */
    public static void assertNoLeaks(HikariDataSource pool, Set<String> before) throws InterruptedException {
        int active = pool.getHikariPoolMXBean().getActiveConnections();
        if (active != 0) {
            throw new AssertionError(active + " connection(s) of " + pool.getPoolName() + " still checked out after the calls returned");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> extra;
        do {
            extra = threads();
            extra.removeAll(before);
            extra.removeIf(name -> name.startsWith(pool.getPoolName()) || name.startsWith("idem-proxy-"));
            if (extra.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("threads left behind: " + extra);
    }

    /** The session a fault is aimed at: its connection as the driver or pool handed it out, and the database's id for it. */
    public record Victim(Connection connection, Object sessionId, String sql) {
    }
}
