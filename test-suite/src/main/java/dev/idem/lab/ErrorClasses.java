package dev.idem.lab;

import dev.idem.IdemException;
import dev.idem.internal.SqlErrors;
import dev.idem.internal.Vendor;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Names the class of an error a caller saw, with Idem's own classifier: {@code unique_violation},
 * {@code busy} (SQLITE_BUSY, H2's concurrent update), {@code deadlock}, {@code serialization_failure},
 * {@code lock_timeout}, {@code integrity_violation}, {@code other}; {@code invisible_row} when a
 * duplicate-key error was caught but the re-select found nothing; otherwise the exception's simple name.
 */
final class ErrorClasses {

    private static final int SAMPLE_LENGTH = 200;

    private ErrorClasses() {
    }

    static String classify(Throwable error, Vendor vendor) {
        if (error instanceof InvisibleRowException) {
            return "invisible_row";
        }
        SQLException sql = sqlCause(error);
        if (sql != null) {
            return SqlErrors.classify(sql, vendor).name().toLowerCase(Locale.ROOT);
        }
        return error.getClass().getSimpleName();
    }

    /** One line a reader can recognise: SQLSTATE, vendor code and the start of the message. */
    static String sample(Throwable error) {
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
}
