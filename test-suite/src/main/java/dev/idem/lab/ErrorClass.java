package dev.idem.lab;

import dev.idem.IdemException;
import dev.idem.internal.SqlErrors;
import dev.idem.internal.Vendor;
import dev.idem.testing.Engine;
import java.sql.SQLException;

/**
 * The class of an error a caller saw, as the lab's documents name it. The names are part of the JSON
 * schema (test-suite/RACE-LAB.md): they never change, whatever Idem's own classifier calls its kinds.
 */
public enum ErrorClass {
    /** The insert hit the unique key. */
    UNIQUE_VIOLATION("unique_violation"),
    /** SQLITE_BUSY, or H2's concurrent update of the same row. */
    BUSY("busy"),
    DEADLOCK("deadlock"),
    SERIALIZATION_FAILURE("serialization_failure"),
    LOCK_TIMEOUT("lock_timeout"),
    /** Another constraint: foreign key, NOT NULL, CHECK. */
    INTEGRITY_VIOLATION("integrity_violation"),
    /** A duplicate-key error was caught, but the re-select read an old snapshot and found nothing. */
    INVISIBLE_ROW("invisible_row"),
    /** Anything else. */
    OTHER("other"),
    /** The run itself could not complete. */
    RUN_FAILED("run_failed");

    private static final int SAMPLE_LENGTH = 200;

    private final String id;

    ErrorClass(String id) {
        this.id = id;
    }

    /** The name in the documents, e.g. {@code unique_violation}. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }

    /**
     * Classifies what a caller saw on {@code engine}: SQL errors (also when wrapped, by Idem or Hibernate)
     * by Idem's classifier, translated here into the lab's own names.
     */
    public static ErrorClass of(Throwable error, Engine engine) {
        if (error instanceof InvisibleRow) {
            return INVISIBLE_ROW;
        }
        SQLException sql = sqlCause(error);
        if (sql == null) {
            return OTHER;
        }
        return switch (SqlErrors.classify(sql, Vendor.valueOf(engine.name()))) {
            case UNIQUE_VIOLATION -> UNIQUE_VIOLATION;
            case INTEGRITY_VIOLATION -> INTEGRITY_VIOLATION;
            case SERIALIZATION_FAILURE -> SERIALIZATION_FAILURE;
            case DEADLOCK -> DEADLOCK;
            case LOCK_TIMEOUT -> LOCK_TIMEOUT;
            case BUSY -> BUSY;
            // A lost connection or a cancelled statement is no race outcome; the documents have no name for it.
            case CONNECTION_LOST, CANCELED, OTHER -> OTHER;
        };
    }

    /** One line a reader can recognise: SQLSTATE, vendor code and the start of the message. */
    public static String sample(Throwable error) {
        SQLException sql = sqlCause(error);
        String text = sql == null ? error.getClass().getSimpleName() + ": " + error.getMessage()
                : (error instanceof IdemException ? error.getClass().getSimpleName() + " caused by " : "")
                + "SQLSTATE " + sql.getSQLState() + ", code " + sql.getErrorCode() + ": " + sql.getMessage();
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() <= SAMPLE_LENGTH ? text : text.substring(0, SAMPLE_LENGTH - 3) + "...";
    }

    private static SQLException sqlCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                return e;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Marks an exception that a strategy throws when its re-select found no row: {@link #INVISIBLE_ROW}. */
    public interface InvisibleRow {
    }
}
