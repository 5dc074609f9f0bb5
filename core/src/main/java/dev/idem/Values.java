package dev.idem;

import dev.idem.internal.Identifiers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Column values in the order given, immutable: the key of a row to get or create, or the defaults to
 * write when it is created. Values are always sent as bound parameters.
 *
 * <pre>{@code
 * Values.of("title", "urgent")
 * Values.of("tenant_id", 7L, "title", "urgent")
 * Values.of("color", "red").and("priority", 3)
 * }</pre>
 */
public final class Values {

    private static final Values EMPTY = new Values(List.of(), List.of());

    private final List<String> columns;
    private final List<Object> values;

    private Values(List<String> columns, List<Object> values) {
        this.columns = columns;
        this.values = values;
    }

    public static Values empty() {
        return EMPTY;
    }

    public static Values of(String column, Object value) {
        return EMPTY.and(column, value);
    }

    public static Values of(String column1, Object value1, String column2, Object value2) {
        return of(column1, value1).and(column2, value2);
    }

    public static Values of(String column1, Object value1, String column2, Object value2, String column3, Object value3) {
        return of(column1, value1, column2, value2).and(column3, value3);
    }

    /** The entries of {@code map} in its iteration order (use a {@code LinkedHashMap} to choose it). */
    public static Values of(Map<String, ?> map) {
        Values result = EMPTY;
        for (Map.Entry<String, ?> entry : map.entrySet()) {
            result = result.and(entry.getKey(), entry.getValue());
        }
        return result;
    }

    /** A copy with one more column; a column named twice (ignoring case) is an error. */
    public Values and(String column, Object value) {
        Identifiers.check("column", column);
        for (String existing : columns) {
            if (sameName(existing, column)) {
                throw new IllegalArgumentException("Column '" + column + "' is given twice in " + this);
            }
        }
        List<String> c = new ArrayList<>(columns);
        List<Object> v = new ArrayList<>(values);
        c.add(column);
        v.add(value);
        return new Values(Collections.unmodifiableList(c), Collections.unmodifiableList(v));
    }

    /** Whether two names are the same ignoring case, as {@code toLowerCase(Locale.ROOT)} folds them; ASCII names without copying them. */
    private static boolean sameName(String a, String b) {
        if (ascii(a) && ascii(b)) {
            return a.equalsIgnoreCase(b);
        }
        return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    public int size() {
        return columns.size();
    }

    public boolean isEmpty() {
        return columns.isEmpty();
    }

    /** The column names, in order. */
    public List<String> columns() {
        return columns;
    }

    /** The values, in column order; may contain {@code null}. */
    public List<Object> values() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Values other && columns.equals(other.columns) && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return 31 * columns.hashCode() + values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < columns.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(columns.get(i)).append('=').append(values.get(i));
        }
        return out.append('}').toString();
    }
}
