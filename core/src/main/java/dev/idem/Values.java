package dev.idem;

import dev.idem.internal.Identifiers;
import java.util.Arrays;
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

    private static final Values EMPTY = new Values(new String[0], new Object[0]);

    private final List<String> columns;
    private final List<Object> values;

    /** Takes the arrays as they are: the caller has checked the names and keeps no reference to the arrays. */
    private Values(String[] columns, Object[] values) {
        this.columns = Collections.unmodifiableList(Arrays.asList(columns));
        this.values = Collections.unmodifiableList(Arrays.asList(values));
    }

    public static Values empty() {
        return EMPTY;
    }

    public static Values of(String column, Object value) {
        return checked(new String[] {column}, new Object[] {value});
    }

    public static Values of(String column1, Object value1, String column2, Object value2) {
        return checked(new String[] {column1, column2}, new Object[] {value1, value2});
    }

    public static Values of(String column1, Object value1, String column2, Object value2, String column3, Object value3) {
        return checked(new String[] {column1, column2, column3}, new Object[] {value1, value2, value3});
    }

    /** The entries of {@code map} in its iteration order (use a {@code LinkedHashMap} to choose it). */
    public static Values of(Map<String, ?> map) {
        String[] columns = new String[map.size()];
        Object[] values = new Object[map.size()];
        int i = 0;
        for (Map.Entry<String, ?> entry : map.entrySet()) {
            columns[i] = entry.getKey();
            values[i++] = entry.getValue();
        }
        return checked(columns, values);
    }

    /** A copy with one more column; a column named twice (ignoring case) is an error. */
    public Values and(String column, Object value) {
        int n = columns.size();
        String[] c = columns.toArray(new String[n + 1]);
        Object[] v = Arrays.copyOf(values.toArray(), n + 1);
        c[n] = column;
        v[n] = value;
        check(c, n);
        return new Values(c, v);
    }

    /** Values of these arrays, every name checked. */
    private static Values checked(String[] columns, Object[] values) {
        for (int i = 0; i < columns.length; i++) {
            check(columns, i);
        }
        return new Values(columns, values);
    }

    /** Checks the name at {@code i}: a valid identifier, and none of the names before it ignoring case. */
    private static void check(String[] columns, int i) {
        Identifiers.check("column", columns[i]);
        for (int j = 0; j < i; j++) {
            if (sameName(columns[j], columns[i])) {
                throw new IllegalArgumentException("Column '" + columns[i] + "' is given twice (also as '" + columns[j] + "'): name each column once");
            }
        }
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
