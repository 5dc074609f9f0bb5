package dev.idem.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * One database for one test: a fresh schema (PostgreSQL), database (MariaDB, MySQL), file (SQLite) or
 * in-memory database (H2), created on first use and dropped by {@link #close()}, so that tests and runs
 * never see each other's rows. Hands out a pooled {@link #dataSource()} and raw {@link #connect()}ions
 * for tests that drive one session per thread.
 */
public final class TestDatabase implements AutoCloseable {

    private static final String RUN = Long.toString(new SecureRandom().nextLong() & 0xffffffL, 36);
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<Target> ANNOUNCED = ConcurrentHashMap.newKeySet();
    private static final Pattern MYSQL_URL = Pattern.compile("^(jdbc:mysql://[^/?]+)(/[^?]*)?(\\?.*)?$");

    private final Target target;
    private final Engine engine;
    private final Server fixedServer;
    private String url;
    private String user = "";
    private String password = "";
    private Runnable drop = () -> { };
    private HikariDataSource pool;
    private final java.util.List<HikariDataSource> extraPools = new java.util.ArrayList<>();

    public TestDatabase(Target target) {
        this(target, null);
    }

    /** A scratch database on {@code server} (a {@link DedicatedServer}'s, say) rather than on the shared one. */
    public TestDatabase(Server server) {
        this(server.target(), server);
    }

    private TestDatabase(Target target, Server server) {
        this.target = target;
        this.engine = target.engine();
        this.fixedServer = server;
    }

    /** The database product, whatever its version: what most tests branch on. */
    public Engine engine() {
        return engine;
    }

    /** The product at its version, as in display names ({@code postgresql-18}). */
    public Target target() {
        return target;
    }

    /** A pooled data source on this test's database (up to 64 connections). */
    public synchronized DataSource dataSource() {
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url());
            config.setUsername(user);
            config.setPassword(password);
            config.setDataSourceProperties(properties());
            config.setMaximumPoolSize(64);
            config.setMinimumIdle(0);
            config.setPoolName("idem-" + target.id());
            pool = new HikariDataSource(config);
        }
        return pool;
    }

    /** Another pooled data source on this test's database whose connections use {@code isolation}. */
    public DataSource dataSource(int isolation) {
        return newPool(16, isolation, false);
    }

    /**
     * A new pool on this test's database, closed with it (closing it earlier is fine): up to {@code size}
     * connections, each opened on first use, at JDBC {@code isolation} (-1 for the database's default); on
     * SQLite, {@code sqliteImmediate} begins every transaction IMMEDIATE (sqlite-jdbc's default is DEFERRED).
     */
    public synchronized HikariDataSource newPool(int size, int isolation, boolean sqliteImmediate) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url());
        config.setUsername(user);
        config.setPassword(password);
        Properties properties = properties();
        if (sqliteImmediate && engine() == Engine.SQLITE) {
            properties.setProperty("transaction_mode", "IMMEDIATE");
        }
        config.setDataSourceProperties(properties);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(60_000);
        if (isolation >= 0) {
            config.setTransactionIsolation(isolationName(isolation));
        }
        config.setPoolName("idem-" + target.id() + "-" + (extraPools.size() + 1));
        HikariDataSource extra = new HikariDataSource(config);
        extraPools.add(extra);
        return extra;
    }

    private static String isolationName(int isolation) {
        return switch (isolation) {
            case Connection.TRANSACTION_READ_UNCOMMITTED -> "TRANSACTION_READ_UNCOMMITTED";
            case Connection.TRANSACTION_READ_COMMITTED -> "TRANSACTION_READ_COMMITTED";
            case Connection.TRANSACTION_REPEATABLE_READ -> "TRANSACTION_REPEATABLE_READ";
            case Connection.TRANSACTION_SERIALIZABLE -> "TRANSACTION_SERIALIZABLE";
            default -> throw new IllegalArgumentException("isolation " + isolation);
        };
    }

    /** A new, unpooled connection in auto-commit mode; the caller closes it. */
    public Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(url(), properties());
        if (ANNOUNCED.add(target) && !engine.isServer()) {
            var meta = connection.getMetaData();
            System.err.println("[idem] " + target.id() + ": " + meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion());
        }
        return connection;
    }

    /** The JDBC URL of this test's database, creating the database on first call. */
    public synchronized String url() {
        if (url == null) {
            create();
        }
        return url;
    }

    public String user() {
        url();
        return user;
    }

    public String password() {
        url();
        return password;
    }

    /** Runs statements on a fresh connection in auto-commit mode: for schema set-up in tests. */
    public void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /** Properties every connection gets: credentials and, on SQLite, a busy timeout. */
    public Properties properties() {
        url();
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        if (engine == Engine.SQLITE) {
            p.setProperty("busy_timeout", "30000");
            p.setProperty("journal_mode", "WAL");
            p.setProperty("foreign_keys", "true");
        }
        return p;
    }

    private void create() {
        String name = "idem_" + RUN + "_" + COUNTER.incrementAndGet();
        try {
            switch (engine) {
                case H2 -> url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000";
                case SQLITE -> createSqlite(name);
                case POSTGRESQL -> createPostgresSchema(server(), name);
                case MARIADB, MYSQL -> createMysqlDatabase(server(), name);
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Could not create a scratch database on " + target + ": " + e.getMessage(), e);
        }
        if (engine == Engine.H2) {
            String h2 = url;
            drop = () -> quietly(() -> {
                try (Connection c = DriverManager.getConnection(h2); Statement s = c.createStatement()) {
                    s.execute("shutdown");
                }
            });
        }
    }

    private Server server() {
        if (fixedServer != null) {
            return fixedServer;
        }
        Servers.Availability availability = Servers.availability(target);
        if (!availability.available()) {
            throw new IllegalStateException(availability.problem());
        }
        return availability.server();
    }

    private void createSqlite(String name) throws IOException {
        Path dir = Files.createTempDirectory("idem-sqlite-");
        Path file = dir.resolve(name + ".db");
        url = "jdbc:sqlite:" + file;
        drop = () -> quietly(() -> {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        });
    }

    private void createPostgresSchema(Server server, String schema) throws SQLException {
        adminExecute(server, "create schema " + schema);
        user = server.user();
        password = server.password();
        url = server.url() + (server.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        drop = () -> quietly(() -> adminExecute(server, "drop schema if exists " + schema + " cascade"));
    }

    private void createMysqlDatabase(Server server, String database) throws SQLException {
        Matcher m = MYSQL_URL.matcher(server.url());
        if (!m.matches()) {
            throw new IllegalArgumentException("Expected a jdbc:mysql://host:port/... URL for " + target + ", got " + server.url());
        }
        adminExecute(server, "create database " + database + " character set utf8mb4");
        user = server.user();
        password = server.password();
        String params = m.group(3) == null ? "?" : m.group(3) + "&";
        if (!server.url().toLowerCase(Locale.ROOT).contains("allowpublickeyretrieval")) {
            params += "allowPublicKeyRetrieval=true&";
        }
        url = m.group(1) + "/" + database + params.substring(0, params.length() - 1);
        drop = () -> quietly(() -> adminExecute(server, "drop database if exists " + database));
    }

    private static void adminExecute(Server server, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
        extraPools.forEach(HikariDataSource::close);
        extraPools.clear();
        drop.run();
        drop = () -> { };
    }

    @Override
    public String toString() {
        return target.id();
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void quietly(Action action) {
        try {
            action.run();
        } catch (Exception e) {
            System.err.println("[idem] clean-up failed: " + e.getMessage());
        }
    }
}
