package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.IdemException;
import dev.idem.IntegrityViolationException;
import dev.idem.OutcomeUnknownException;
import dev.idem.Queue;
import dev.idem.RetryTransactionException;
import dev.idem.Table;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Idem knows about one database, asked by every operation: which database it is and the dialect
 * that writes its SQL (detected once, from the first connection), the tables and queues found in its
 * catalog (resolved once and cached), and what its errors mean. The only class that tells databases
 * apart; the SQL each one runs is in its dialect's file, the codes its errors carry in {@link SqlErrors}.
 */
public final class Database {

    private static final Pattern MARIADB_VERSION = Pattern.compile("^(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)");

    private final Map<Located, Shape> shapes = new ConcurrentHashMap<>();
    private final Map<LocatedQueue, QueueShape> queues = new ConcurrentHashMap<>();
    private volatile Dialect dialect;
    private volatile Vendor vendor;

    /** @param dialect the dialect to use, or {@code null} to detect it from the first connection */
    public Database(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The dialect in use, detected from the first connection unless one was given. */
    Dialect dialect(Connection connection) throws SQLException {
        if (vendor == null) {
            synchronized (this) {
                if (vendor == null) {
                    DatabaseMetaData meta = connection.getMetaData();
                    Vendor detected = vendorOf(meta);
                    if (dialect == null) {
                        dialect = dialectFor(detected, meta);
                    }
                    vendor = detected;
                }
            }
        }
        return dialect;
    }

    /**
     * The table as found in the catalog, looked up once per database and cached. An unqualified name is
     * resolved in the connection's current database (catalog), which applications that keep one database
     * per tenant switch; a different PostgreSQL search_path or H2 schema is not told apart: name the
     * schema with {@link Table#inSchema} or keep one Idem per schema.
     */
    Shape shape(Connection connection, Table table) throws SQLException {
        Dialect d = dialect(connection);
        Located key = new Located(table, table.schema().isPresent() ? null : connection.getCatalog());
        Shape shape = shapes.get(key);
        if (shape == null) {
            shape = Catalog.resolve(connection, d, catalogRules(), table);
            shapes.putIfAbsent(key, shape);
        }
        return shape;
    }

    /** A declared table and the database it was resolved in. */
    private record Located(Table table, String catalog) {
    }

    /** The queue as found in the catalog, its table and claim columns checked once per database, and cached. */
    QueueShape queue(Connection connection, Queue queue) throws SQLException {
        Dialect d = dialect(connection);
        LocatedQueue key = new LocatedQueue(queue, queue.schema().isPresent() ? null : connection.getCatalog());
        QueueShape shape = queues.get(key);
        if (shape == null) {
            shape = QueueShape.resolve(connection, d, catalogRules(), queueRules(), shape(connection, queue.asTable()), queue);
            queues.putIfAbsent(key, shape);
        }
        return shape;
    }

    /** A declared queue and the database it was resolved in. */
    private record LocatedQueue(Queue queue, String catalog) {
    }

    /** Resolves {@code table} against the catalog, or fails, without touching data. */
    public void check(Connection connection, Table table) throws SQLException {
        shape(connection, table);
    }

    /**
     * The statements that turn the transaction just begun (auto-commit off) into a write transaction.
     * SQLite's deferred BEGIN takes no lock, and a read that later upgrades to a write gets SQLITE_BUSY
     * without the busy handler ever running: it is swapped for BEGIN IMMEDIATE.
     */
    List<String> beginWrite() {
        return vendor == Vendor.SQLITE ? OnConflictDialect.SQLITE_BEGIN_WRITE : List.of();
    }

    /**
     * Whether the driver's {@code commit()} and {@code rollback()} begin the next transaction before they
     * return, so that Idem must end its transactions with statements of its own. sqlite-jdbc does: after the
     * COMMIT it runs a BEGIN in the connection's transaction mode, and with {@code transaction_mode=IMMEDIATE}
     * that BEGIN waits for the write lock; when the busy timeout runs out there, {@code commit()} throws
     * {@code SQLITE_BUSY} although the COMMIT took effect, and work that committed would be run again.
     */
    boolean driverBeginsAfterCommit() {
        return vendor == Vendor.SQLITE;
    }

    /** What {@code error} means, as this database raised it. */
    SqlErrors.Kind classify(SQLException error) {
        return SqlErrors.classify(error, vendorOrOther());
    }

    /** The constraint or index {@code error} names, or {@code null}; see {@link SqlErrors#constraintName}. */
    String constraintName(SQLException error) {
        return SqlErrors.constraintName(error, vendorOrOther());
    }

    /**
     * True when {@code error} (or a {@code warning} that MySQL and MariaDB raise outside strict mode, after
     * writing a clamped value) says a number did not fit its type or column.
     */
    boolean isOutOfRange(SQLException error) {
        return SqlErrors.isOutOfRange(error, vendorOrOther());
    }

    /** How a failed insert relates to the declared key. */
    enum Conflict { ON_KEY, UNNAMED, NONE }

    /** Whether a failed insert into {@code shape} failed because its key exists. */
    Conflict conflict(SQLException e, Shape shape) {
        if (dialect.skipsKeyConflicts()) {
            return Conflict.NONE; // its insert skips the key, so any unique violation is on another constraint
        }
        SqlErrors.Kind kind = classify(e);
        if (vendor == Vendor.H2 && kind == SqlErrors.Kind.BUSY) {
            return Conflict.ON_KEY; // 90131: the rows collided in flight; the re-read settles it
        }
        if (kind != SqlErrors.Kind.UNIQUE_VIOLATION) {
            return Conflict.NONE;
        }
        String constraint = constraintName(e);
        if (constraint == null) {
            return Conflict.UNNAMED;
        }
        return shape.isKeyConstraint(constraint) ? Conflict.ON_KEY : Conflict.NONE;
    }

    /** Turns a database error into the Idem exception that says what happened and what to do. */
    public IdemException translate(SQLException e, String doing) {
        Vendor v = vendorOrOther();
        SqlErrors.Kind kind = SqlErrors.classify(e, v);
        String what = "Could not " + doing + " (" + (dialect == null ? "database" : dialect.name()) + ", SQLSTATE " + e.getSQLState()
                + ", code " + e.getErrorCode() + "): ";
        return switch (kind) {
            case SERIALIZATION_FAILURE -> new RetryTransactionException(what + "a concurrent transaction committed a conflicting change after this"
                    + " transaction's snapshot was taken. Roll back and run the transaction again (Idem.inTransaction does).", e);
            case DEADLOCK -> new RetryTransactionException(what + "the database broke a deadlock by failing this transaction. Roll back and run it again"
                    + " (Idem.inTransaction does).", e);
            case LOCK_TIMEOUT -> new RetryTransactionException(what + "a lock was not granted in time. Roll back and run the transaction again,"
                    + " or raise the lock timeout.", e);
            case BUSY -> new RetryTransactionException(what + (v == Vendor.SQLITE
                    ? "the database is locked (SQLITE_BUSY): another connection held the write lock past the busy timeout, or a transaction"
                    + " that read before it wrote could not wait for the lock. Run the transaction again; begin write transactions IMMEDIATE"
                    + " (Idem.inTransaction does) and set a busy_timeout."
                    : "a concurrent transaction updated the same row. Roll back and run the transaction again."), e);
            case UNIQUE_VIOLATION, INTEGRITY_VIOLATION -> new IntegrityViolationException(what + "the database refused the row: " + e.getMessage(),
                    SqlErrors.constraintName(e, v), e);
            case CONNECTION_LOST -> new DatabaseException(what + "the connection to the database was lost (killed, the server restarting,"
                    + " the network). A transaction open on it is gone: the database rolls it back, so nothing of it took effect. Run the work"
                    + " again on a new connection (Idem.inTransaction and the operations on Idem itself do). " + e.getMessage(), e);
            case CANCELED -> new DatabaseException(what + "the statement was cancelled (a statement timeout, or a cancel request) and rolled"
                    + " back. Idem does not run a cancelled statement again: raise the timeout, or find what holds it up. " + e.getMessage(), e);
            case OTHER -> new DatabaseException(what + e.getMessage(), e);
        };
    }

    /**
     * {@link #translate} for a write statement on {@code connection}: when the connection was lost while
     * the write was in flight in auto-commit mode, the write committed or not and no one can tell, which
     * {@link OutcomeUnknownException} says. In a transaction the database rolls the write back with the
     * rest, so the outcome is known: nothing.
     */
    public IdemException translateWrite(SQLException e, String doing, Connection connection) {
        if (classify(e) == SqlErrors.Kind.CONNECTION_LOST && autoCommitOrUnknown(connection)) {
            return new OutcomeUnknownException("Could not " + doing + ": the connection was lost after the write was sent and before the"
                    + " database answered; the write may or may not have committed. " + e.getMessage(), e);
        }
        return translate(e, doing);
    }

    /** True in auto-commit mode, and when a broken connection cannot say. */
    private static boolean autoCommitOrUnknown(Connection connection) {
        try {
            return connection.getAutoCommit();
        } catch (SQLException broken) {
            return true;
        }
    }

    /** True when {@code error}, or an Idem exception's cause, says the connection is gone. */
    boolean lostConnection(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                return classify(e) == SqlErrors.Kind.CONNECTION_LOST;
            }
        }
        return false;
    }

    private Vendor vendorOrOther() {
        Vendor v = vendor;
        return v == null ? Vendor.OTHER : v;
    }

    /** How this database lays out its catalog, for {@link Catalog}. */
    private Catalog.Rules catalogRules() {
        return switch (vendor) {
            case POSTGRESQL -> OnConflictDialect.POSTGRESQL_CATALOG;
            case SQLITE -> OnConflictDialect.SQLITE_CATALOG;
            case MYSQL, MARIADB -> InnoDbDialect.CATALOG;
            case H2 -> H2Dialect.CATALOG;
            case OTHER -> GenericDialect.CATALOG;
        };
    }

    /** How this database stores and serves a queue, for {@link QueueShape}. */
    private QueueShape.Rules queueRules() {
        return switch (vendor) {
            case POSTGRESQL -> OnConflictDialect.POSTGRESQL_QUEUE;
            case SQLITE -> OnConflictDialect.SQLITE_QUEUE;
            case MYSQL, MARIADB -> InnoDbDialect.QUEUE;
            case H2 -> H2Dialect.QUEUE;
            case OTHER -> GenericDialect.QUEUE;
        };
    }

    /**
     * Reads the product from the driver. Connector/J names MariaDB "MySQL", so MariaDB is told apart by
     * its version string ({@code 5.5.5-10.11.6-MariaDB}, or {@code 11.4.2-MariaDB}).
     */
    static Vendor vendorOf(DatabaseMetaData meta) throws SQLException {
        String product = meta.getDatabaseProductName().toLowerCase(Locale.ROOT);
        String version = meta.getDatabaseProductVersion().toLowerCase(Locale.ROOT);
        if (product.contains("mariadb") || version.contains("mariadb")) {
            return Vendor.MARIADB;
        }
        if (product.contains("mysql")) {
            return Vendor.MYSQL;
        }
        if (product.contains("postgresql")) {
            return Vendor.POSTGRESQL;
        }
        if (product.contains("sqlite")) {
            return Vendor.SQLITE;
        }
        if (product.equals("h2")) {
            return Vendor.H2;
        }
        return Vendor.OTHER;
    }

    private static Dialect dialectFor(Vendor vendor, DatabaseMetaData meta) throws SQLException {
        return switch (vendor) {
            case POSTGRESQL -> OnConflictDialect.postgresql();
            case MARIADB -> mariaDb(meta.getDatabaseProductVersion());
            // SKIP LOCKED arrived in MySQL 8.0.1 (8.0.0 was a development milestone, never a release).
            case MYSQL -> meta.getDatabaseMajorVersion() >= 8 ? InnoDbDialect.mysql() : InnoDbDialect.mysql().withoutSkipLocked();
            // ON CONFLICT arrived in SQLite 3.24 and RETURNING in 3.35.
            case SQLITE -> atLeast(meta, 3, 35) ? OnConflictDialect.sqlite() : new GenericDialect("sqlite (before 3.35)");
            case H2 -> new H2Dialect();
            case OTHER -> new GenericDialect(meta.getDatabaseProductName());
        };
    }

    /** RETURNING arrived in MariaDB 10.5 and SKIP LOCKED in 10.6. */
    private static Dialect mariaDb(String version) {
        InnoDbDialect dialect = mariaDbAtLeast(version, 10, 5) ? InnoDbDialect.mariadb() : InnoDbDialect.mysql();
        return mariaDbAtLeast(version, 10, 6) ? dialect : dialect.withoutSkipLocked();
    }

    /**
     * MariaDB before 11 announces itself as {@code 5.5.5-10.11.6-MariaDB} for old MySQL clients, and
     * Connector/J then reports major version 5: the real version follows the prefix.
     */
    static boolean mariaDbAtLeast(String version, int major, int minor) {
        Matcher m = MARIADB_VERSION.matcher(version);
        if (!m.find()) {
            return false;
        }
        int actualMajor = Integer.parseInt(m.group(1));
        return actualMajor > major || actualMajor == major && Integer.parseInt(m.group(2)) >= minor;
    }

    private static boolean atLeast(DatabaseMetaData meta, int major, int minor) throws SQLException {
        return meta.getDatabaseMajorVersion() > major
                || meta.getDatabaseMajorVersion() == major && meta.getDatabaseMinorVersion() >= minor;
    }
}
