package dev.idem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A row as the database stored it, column by column, with the values the driver returned. Lookups
 * ignore case when no column matches exactly, so {@code row.get("title")} works on H2, which stores
 * unquoted names in upper case.
 */
public final class Row {

    private final Map<String, Object> values;

    public Row(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of {@code column} ({@code null} for SQL NULL); an unknown column is an error. */
    public Object get(String column) {
        if (values.containsKey(column)) {
            return values.get(column);
        }
        String found = null;
        for (String name : values.keySet()) {
            if (name.toLowerCase(Locale.ROOT).equals(column.toLowerCase(Locale.ROOT))) {
                if (found != null) {
                    throw new IllegalArgumentException("Column '" + column + "' matches both '" + found + "' and '" + name + "'");
                }
                found = name;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("No column '" + column + "' in " + values.keySet());
        }
        return values.get(found);
    }

    /** The value of a numeric column as a {@code long}; SQL NULL is an error. */
    public long getLong(String column) {
        Object value = get(column);
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("Column '" + column + "' holds " + (value == null ? "NULL" : value.getClass().getName()) + ", not a number");
    }

    /** The value of a column as a string ({@code null} for SQL NULL). */
    public String getString(String column) {
        Object value = get(column);
        return value == null ? null : value.toString();
    }

    /** All columns in the order the database returned them, with the names it returned. */
    public Map<String, Object> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && values.equals(r.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
