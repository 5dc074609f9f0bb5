package dev.idem.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks the names callers give for tables, schemas and columns. Any character a database accepts in a
 * quoted identifier is allowed, quotes and backticks included, because every name reaches SQL quoted
 * (with its closing delimiter doubled) and only after it was found in the catalog.
 */
public final class Identifiers {

    /** Longer than any database's limit (PostgreSQL 63 bytes, MySQL 64 characters, H2 256). */
    private static final int MAX_LENGTH = 256;

    private Identifiers() {
    }

    /** Returns {@code name} when it can be an identifier; otherwise says why not. */
    public static String check(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("The " + what + " name must not be null or blank");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("The " + what + " name is " + name.length() + " characters long; no database accepts more than " + MAX_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("The " + what + " name '" + name.replaceAll("\\p{Cntrl}", "?")
                        + "' contains a control character; no database accepts one in an identifier");
            }
        }
        return name;
    }

    /** Checks a non-empty list of distinct column names (distinct ignoring case). */
    public static List<String> checkColumns(String what, String... columns) {
        if (columns == null || columns.length == 0) {
            throw new IllegalArgumentException("Name at least one " + what + " column");
        }
        List<String> checked = new ArrayList<>(columns.length);
        List<String> folded = new ArrayList<>(columns.length);
        for (String column : columns) {
            check(what + " column", column);
            String f = column.toLowerCase(Locale.ROOT);
            if (folded.contains(f)) {
                throw new IllegalArgumentException("The " + what + " column '" + column + "' is named twice");
            }
            folded.add(f);
            checked.add(column);
        }
        return List.copyOf(checked);
    }
}
