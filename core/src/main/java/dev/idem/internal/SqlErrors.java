package dev.idem.internal;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where database errors are classified. Every SQLSTATE and vendor code Idem acts on is
 * named and explained here; MySQL and MariaDB are classified by vendor code first, because their
 * SQLSTATEs are shared by errors that need different handling (1213 and 1205 are both "40001"/"HY000").
 */
public final class SqlErrors {

    /** What an error means for the operation that met it. */
    public enum Kind {
        /** The row conflicts with a unique constraint or unique index. */
        UNIQUE_VIOLATION(false),
        /** Another integrity constraint: foreign key, NOT NULL, CHECK. */
        INTEGRITY_VIOLATION(false),
        /** The transaction's snapshot cannot be reconciled with a concurrent commit; only a retry helps. */
        SERIALIZATION_FAILURE(true),
        /** The database broke a deadlock by failing this transaction. */
        DEADLOCK(true),
        /** A lock was not granted in time. */
        LOCK_TIMEOUT(true),
        /** SQLite's database lock was busy, or H2 saw a concurrent update of the same row. */
        BUSY(true),
        /**
         * The connection is gone: killed by an administrator, the server shut down or restarted, the network
         * cut. Not transient in itself: whether the work may run again on a new connection depends on what
         * was in flight, which {@code Transactions} decides per operation.
         */
        CONNECTION_LOST(false),
        /** The statement was cancelled: a statement timeout, or a cancel request. It was rolled back; Idem does not retry it. */
        CANCELED(false),
        /** Anything else. */
        OTHER(false);

        private final boolean transientFailure;

        Kind(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }

        /** True when running the work again may succeed. */
        public boolean isTransient() {
            return transientFailure;
        }
    }

    // SQLSTATEs (SQL standard, PostgreSQL, H2).
    /** unique_violation (PostgreSQL, H2). */
    private static final String UNIQUE_VIOLATION = "23505";
    /** Class 23, integrity constraint violation. */
    private static final String INTEGRITY_CLASS = "23";
    /** serialization_failure; H2 also raises it for a detected deadlock. */
    private static final String SERIALIZATION_FAILURE = "40001";
    /** deadlock_detected (PostgreSQL). */
    private static final String DEADLOCK_DETECTED = "40P01";
    /** lock_not_available, raised by lock_timeout (PostgreSQL). */
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    /** Class 08, connection exception: 08006 connection failure, 08003 no connection (pgjdbc), 08S01 communication link failure (Connector/J). */
    private static final String CONNECTION_CLASS = "08";
    /** admin_shutdown: pg_terminate_backend, or a fast or smart server shutdown (PostgreSQL). */
    private static final String ADMIN_SHUTDOWN = "57P01";
    /** crash_shutdown: another backend crashed and the server resets every session (PostgreSQL). */
    private static final String CRASH_SHUTDOWN = "57P02";
    /** cannot_connect_now: the server is starting up or shutting down (PostgreSQL). */
    private static final String CANNOT_CONNECT_NOW = "57P03";
    /** query_canceled: statement_timeout, or pg_cancel_backend (PostgreSQL); H2 uses it for a cancelled or timed out statement. */
    private static final String QUERY_CANCELED = "57014";

    // MySQL and MariaDB vendor codes.
    /** ER_DUP_ENTRY: duplicate entry for a unique key. */
    private static final int MYSQL_DUP_ENTRY = 1062;
    /** ER_DUP_ENTRY_WITH_KEY_NAME. */
    private static final int MYSQL_DUP_ENTRY_WITH_KEY_NAME = 1586;
    /** ER_LOCK_DEADLOCK: the whole transaction was rolled back. */
    private static final int MYSQL_DEADLOCK = 1213;
    /** ER_LOCK_WAIT_TIMEOUT: only the statement was rolled back (unless innodb_rollback_on_timeout). */
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
    /** ER_CHECKREAD: "Record has changed since last read", a snapshot conflict in MariaDB 11.8+ with innodb_snapshot_isolation. */
    private static final int MYSQL_RECORD_CHANGED = 1020;
    /** ER_QUERY_INTERRUPTED: KILL QUERY, or Connector/J's query timeout cancelling the statement. */
    private static final int MYSQL_QUERY_INTERRUPTED = 1317;
    /** ER_QUERY_TIMEOUT (MySQL 8.0): the SELECT ran past MAX_EXECUTION_TIME. */
    private static final int MYSQL_QUERY_TIMEOUT = 3024;
    /** ER_STATEMENT_TIMEOUT (MariaDB): the statement ran past max_statement_time. */
    private static final int MARIADB_STATEMENT_TIMEOUT = 1969;
    /** ER_CONNECTION_KILLED (MariaDB): KILL CONNECTION, or the server shutting down. */
    private static final int MARIADB_CONNECTION_KILLED = 1927;
    /** ER_SERVER_SHUTDOWN: the server is shutting down. */
    private static final int MYSQL_SERVER_SHUTDOWN = 1053;
    /** CR_SERVER_GONE_ERROR and CR_SERVER_LOST: client codes some drivers report for a dead connection. */
    private static final int MYSQL_SERVER_GONE = 2006;
    private static final int MYSQL_SERVER_LOST = 2013;

    // SQLite result codes (sqlite-jdbc reports extended codes).
    /** SQLITE_BUSY and its extended codes: SQLITE_BUSY_RECOVERY (261), SQLITE_BUSY_SNAPSHOT (517), SQLITE_BUSY_TIMEOUT (773). */
    private static final int SQLITE_BUSY = 5;
    /** SQLITE_LOCKED: a conflict inside one shared cache. */
    private static final int SQLITE_LOCKED = 6;
    /** SQLITE_INTERRUPT: sqlite3_interrupt(), which sqlite-jdbc calls for Statement.cancel() and a query timeout. */
    private static final int SQLITE_INTERRUPT = 9;
    /** SQLITE_CONSTRAINT, the primary code of every constraint failure. */
    private static final int SQLITE_CONSTRAINT = 19;
    /** SQLITE_CONSTRAINT_PRIMARYKEY. */
    private static final int SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
    /** SQLITE_CONSTRAINT_UNIQUE. */
    private static final int SQLITE_CONSTRAINT_UNIQUE = 2067;

    // H2 vendor codes.
    /** CONCURRENT_UPDATE_1: another transaction changed the same row; the statement may be retried. */
    private static final int H2_CONCURRENT_UPDATE = 90131;
    /** LOCK_TIMEOUT_1. */
    private static final int H2_LOCK_TIMEOUT = 50200;
    /** OBJECT_CLOSED: the connection (or statement) was closed, by another thread for instance. */
    private static final int H2_OBJECT_CLOSED = 90007;
    /** CONNECTION_BROKEN_1: a remote connection broke. */
    private static final int H2_CONNECTION_BROKEN = 90067;
    /** DATABASE_IS_CLOSED. */
    private static final int H2_DATABASE_IS_CLOSED = 90098;
    /** DATABASE_CALLED_AT_SHUTDOWN. */
    private static final int H2_DATABASE_CALLED_AT_SHUTDOWN = 90121;

    /**
     * sqlite-jdbc raises plain SQLExceptions, with no code, for a statement on a connection closed under it
     * (by another thread, a pool evicting it): these texts on a new statement and on one prepared before.
     */
    private static final String SQLITE_CLOSED = "database connection closed";
    private static final String SQLITE_STATEMENT_CLOSED = "statement is not executing";

    private static final Pattern QUOTED_CONSTRAINT = Pattern.compile("constraint \"([^\"]+)\"");
    /** The last "for key '...'": the duplicate value, which comes first, may itself contain that text. */
    private static final Pattern MYSQL_KEY = Pattern.compile("^.*for key '([^']+)'", Pattern.DOTALL);
    private static final Pattern MYSQL_CONSTRAINT = Pattern.compile("CONSTRAINT `((?:[^`]|``)+)`");
    private static final Pattern SQLITE_FAILED = Pattern.compile("constraint failed: ([^)\\]]+)");
    /**
     * H2 names the constraint, then (for unique ones) the index: {@code "PUBLIC.C INDEX PUBLIC.C_INDEX_1 ON
     * ...VALUES (...)"}. Both patterns are anchored at the start, before the values, which a caller chose.
     */
    private static final Pattern H2_INDEX = Pattern.compile("^[^\"]*\"(?:[^\".\\s]+\\.)?[^\" ]+ INDEX (?:[^\".\\s]+\\.)?([^\" ]+) ON ");
    private static final Pattern H2_CONSTRAINT = Pattern.compile("^[^\"]*violation: \"(?:[^\".\\s:]+\\.)?([^\" :]+)");

    private SqlErrors() {
    }

    /** Classifies {@code error} as raised by {@code vendor}'s database, looking through chained exceptions. */
    public static Kind classify(SQLException error, Vendor vendor) {
        for (SQLException e : chain(error)) {
            Kind kind = classifyOne(e, vendor);
            if (kind != Kind.OTHER) {
                return kind;
            }
        }
        return Kind.OTHER;
    }

    private static Kind classifyOne(SQLException e, Vendor vendor) {
        int code = e.getErrorCode();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        switch (vendor) {
            case MYSQL, MARIADB -> {
                switch (code) {
                    case MYSQL_DUP_ENTRY, MYSQL_DUP_ENTRY_WITH_KEY_NAME:
                        return Kind.UNIQUE_VIOLATION;
                    case MYSQL_DEADLOCK:
                        return Kind.DEADLOCK;
                    case MYSQL_LOCK_WAIT_TIMEOUT:
                        return Kind.LOCK_TIMEOUT;
                    case MYSQL_RECORD_CHANGED:
                        return Kind.SERIALIZATION_FAILURE;
                    case MARIADB_CONNECTION_KILLED, MYSQL_SERVER_SHUTDOWN, MYSQL_SERVER_GONE, MYSQL_SERVER_LOST:
                        return Kind.CONNECTION_LOST;
                    case MYSQL_QUERY_INTERRUPTED, MYSQL_QUERY_TIMEOUT, MARIADB_STATEMENT_TIMEOUT:
                        return Kind.CANCELED;
                    default:
                        if (state.startsWith(INTEGRITY_CLASS)) {
                            return Kind.INTEGRITY_VIOLATION;
                        }
                }
            }
            case SQLITE -> {
                int primary = code & 0xff;
                if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY
                        || primary == SQLITE_CONSTRAINT && String.valueOf(e.getMessage()).contains("UNIQUE constraint failed")) {
                    return Kind.UNIQUE_VIOLATION;
                }
                if (primary == SQLITE_CONSTRAINT) {
                    return Kind.INTEGRITY_VIOLATION;
                }
                if (primary == SQLITE_INTERRUPT) {
                    return Kind.CANCELED;
                }
                if (e.getErrorCode() == 0 && (String.valueOf(e.getMessage()).contains(SQLITE_CLOSED)
                        || String.valueOf(e.getMessage()).contains(SQLITE_STATEMENT_CLOSED))) {
                    return Kind.CONNECTION_LOST;
                }
                if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
                    return Kind.BUSY;
                }
            }
            case H2 -> {
                if (code == H2_CONCURRENT_UPDATE) {
                    return Kind.BUSY;
                }
                if (code == H2_LOCK_TIMEOUT) {
                    return Kind.LOCK_TIMEOUT;
                }
                if (code == H2_OBJECT_CLOSED || code == H2_CONNECTION_BROKEN || code == H2_DATABASE_IS_CLOSED
                        || code == H2_DATABASE_CALLED_AT_SHUTDOWN) {
                    return Kind.CONNECTION_LOST;
                }
                if (SERIALIZATION_FAILURE.equals(state)) {
                    return Kind.DEADLOCK;
                }
            }
            default -> {
            }
        }
        return switch (state) {
            case UNIQUE_VIOLATION -> Kind.UNIQUE_VIOLATION;
            case SERIALIZATION_FAILURE -> Kind.SERIALIZATION_FAILURE;
            case DEADLOCK_DETECTED -> Kind.DEADLOCK;
            case LOCK_NOT_AVAILABLE -> Kind.LOCK_TIMEOUT;
            case ADMIN_SHUTDOWN, CRASH_SHUTDOWN, CANNOT_CONNECT_NOW -> Kind.CONNECTION_LOST;
            case QUERY_CANCELED -> Kind.CANCELED;
            default -> state.startsWith(INTEGRITY_CLASS) ? Kind.INTEGRITY_VIOLATION
                    : state.startsWith(CONNECTION_CLASS) ? Kind.CONNECTION_LOST : Kind.OTHER;
        };
    }

    /**
     * The constraint or index the error names, as the database reported it, or {@code null}. For SQLite,
     * which names columns rather than constraints, the columns as {@code table.a, table.b}.
     */
    public static String constraintName(SQLException error, Vendor vendor) {
        for (SQLException e : chain(error)) {
            String message = e.getMessage();
            if (message == null) {
                continue;
            }
            Matcher m = switch (vendor) {
                case POSTGRESQL -> QUOTED_CONSTRAINT.matcher(message);
                case MYSQL, MARIADB -> MYSQL_KEY.matcher(message).find() ? MYSQL_KEY.matcher(message) : MYSQL_CONSTRAINT.matcher(message);
                case SQLITE -> SQLITE_FAILED.matcher(message);
                case H2 -> H2_INDEX.matcher(message).find() ? H2_INDEX.matcher(message) : H2_CONSTRAINT.matcher(message);
                default -> QUOTED_CONSTRAINT.matcher(message);
            };
            if (m.find()) {
                return m.group(1).trim();
            }
        }
        return null;
    }

    /** numeric_value_out_of_range (SQL standard; PostgreSQL, H2, and MySQL and MariaDB for 1264 and 1690). */
    private static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
    /** ER_WARN_DATA_OUT_OF_RANGE: a value does not fit its column (an error in strict mode, a warning and a clamped value otherwise). */
    private static final int MYSQL_DATA_OUT_OF_RANGE = 1264;
    /** ER_DATA_OUT_OF_RANGE: an arithmetic result does not fit its type, such as a BIGINT sum (an error in every mode). */
    private static final int MYSQL_ARITHMETIC_OUT_OF_RANGE = 1690;

    /** NUMERIC_VALUE_OUT_OF_RANGE_2: H2's code (and SQLSTATE) for a value that does not fit its column. */
    private static final int H2_VALUE_OUT_OF_COLUMN_RANGE = 22004;

    /**
     * True when a number did not fit its type or column, an overflow: raised as an error, or, for
     * {@code warning}s that MySQL and MariaDB report outside strict mode, after a clamped value was written.
     */
    public static boolean isOutOfRange(SQLException error, Vendor vendor) {
        for (SQLException e : chain(error)) {
            if (NUMERIC_VALUE_OUT_OF_RANGE.equals(e.getSQLState())
                    || (vendor == Vendor.MYSQL || vendor == Vendor.MARIADB) && (e.getErrorCode() == MYSQL_DATA_OUT_OF_RANGE || e.getErrorCode() == MYSQL_ARITHMETIC_OUT_OF_RANGE)
                    || vendor == Vendor.H2 && e.getErrorCode() == H2_VALUE_OUT_OF_COLUMN_RANGE) {
                return true;
            }
        }
        return false;
    }

    /** The error and the ones chained to it, by cause or by {@link SQLException#getNextException()}. */
    static Iterable<SQLException> chain(SQLException error) {
        java.util.List<SQLException> all = new java.util.ArrayList<>();
        java.util.ArrayDeque<SQLException> todo = new java.util.ArrayDeque<>();
        todo.add(error);
        while (!todo.isEmpty() && all.size() < 16) {
            SQLException e = todo.poll();
            if (all.contains(e)) {
                continue;
            }
            all.add(e);
            if (e.getNextException() != null) {
                todo.add(e.getNextException());
            }
            if (e.getCause() instanceof SQLException cause) {
                todo.add(cause);
            }
        }
        return all;
    }
}
