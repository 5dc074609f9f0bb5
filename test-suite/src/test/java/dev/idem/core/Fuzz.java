package dev.idem.core;

import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * What {@link FuzzTest} generates (names, column types and their values) and how it reads a table back
 * with plain JDBC, to compare what the database holds before and after a call.
 */
final class Fuzz {

    static final List<String> RESERVED = List.of("select", "order", "user", "key", "limit");
    static final List<String> NASTY = List.of("\"", "\"\"", "`", "``", "'", "''", ";", "--", "/*", "*/", "\\", "]", "[", "$1", "?", "%",
            ") values (1); drop table canary; --", "\" or 1=1 --", "` or 1=1 #", "é", "日本", "ß", "İ", "😀", " ", "\t", "a b");

    private Fuzz() {
    }

    /** A column type and the values to try in it. */
    record Kind(String name, String keyType, String valueType, Generator generator) {
    }

    interface Generator {
        Object next(Random random);
    }

    static List<Kind> kinds(Engine engine) {
        boolean my = engine.isMysqlFamily();
        boolean sqlite = engine == Engine.SQLITE;
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("text", "varchar(200)", switch (engine) {
            case POSTGRESQL, SQLITE -> "text";
            case MARIADB, MYSQL -> "mediumtext";
            case H2 -> "varchar(1000000)";
        }, Fuzz::text));
        kinds.add(new Kind("int", "integer", "integer", r -> pick(r, 0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, r.nextInt())));
        kinds.add(new Kind("bigint", "bigint", "bigint", r -> pick(r, 0L, Long.MAX_VALUE, Long.MIN_VALUE, r.nextLong(), (long) Integer.MAX_VALUE + 1)));
        kinds.add(new Kind("decimal", "decimal(30,10)", "decimal(30,10)", r -> pick(r, BigDecimal.ZERO, new BigDecimal("-0.0000000001"),
                new BigDecimal("99999999999999999999.9999999999"), new BigDecimal("-99999999999999999999.9999999999"),
                BigDecimal.valueOf(r.nextLong(), r.nextInt(11)), new BigDecimal("1.50"), new BigDecimal("1.5"))));
        if (!sqlite) {
            kinds.add(new Kind("bytes", my ? "varbinary(255)" : engine == Engine.POSTGRESQL ? "bytea" : "varbinary(255)",
                    my ? "mediumblob" : engine == Engine.POSTGRESQL ? "bytea" : "varbinary(1000000)", Fuzz::bytes));
            kinds.add(new Kind("timestamptz", my ? "datetime(6)" : "timestamp with time zone", my ? "datetime(6)" : "timestamp with time zone",
                    r -> my ? LocalDateTime.of(1000 + r.nextInt(8999), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60),
                            r.nextInt(1_000_000) * 1000) : offsetDateTime(r)));
            kinds.add(new Kind("date", "date", "date", r -> pick(r, LocalDate.of(1, 1, 1).plusDays(r.nextInt(3_000_000)), LocalDate.of(1970, 1, 1),
                    LocalDate.of(9999, 12, 31), LocalDate.of(2000, 2, 29))));
            kinds.add(new Kind("uuid", my ? "char(36)" : "uuid", my ? "char(36)" : "uuid",
                    r -> my ? new UUID(r.nextLong(), r.nextLong()).toString() : new UUID(r.nextLong(), r.nextLong())));
        }
        kinds.add(new Kind("boolean", "boolean", "boolean", r -> r.nextBoolean()));
        return kinds;
    }

    static Object pick(Random r, Object... choices) {
        return choices[r.nextInt(choices.length)];
    }

    static String text(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> "";
            case 1 -> NASTY.get(r.nextInt(NASTY.size()));
            case 2 -> "x".repeat(200);
            case 3 -> "x".repeat(201);            // one past the key column's length
            case 4 -> "a\u0000b";                 // NUL: PostgreSQL's text refuses it
            case 5 -> "trailing ";
            case 6 -> r.nextBoolean() ? "Case" : "case";
            default -> randomText(r);
        };
    }

    private static String randomText(Random r) {
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(30);
        while (s.length() < n) {
            int cp = r.nextInt(4) == 0 ? 0x1F600 + r.nextInt(50) : 0x20 + r.nextInt(0x2FFF);
            if (Character.isDefined(cp) && !Character.isSurrogate((char) cp)) {
                s.appendCodePoint(cp);
            }
        }
        return s.toString();
    }

    private static Object bytes(Random r) {
        byte[] b = new byte[(int) pick(r, 0, 1, 16, 255)];
        r.nextBytes(b);
        return b;
    }

    private static OffsetDateTime offsetDateTime(Random r) {
        return OffsetDateTime.of(1 + r.nextInt(9998), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60),
                r.nextInt(1_000_000) * 1000, ZoneOffset.ofTotalSeconds((r.nextInt(28) - 14) * 3600 + (r.nextBoolean() ? 1800 : 0)))
                .truncatedTo(ChronoUnit.MICROS);
    }

    /** A value for a column of {@code kind}: mostly its own type, sometimes NULL, sometimes huge text, sometimes another type's value. */
    static Object value(Random r, Kind kind, List<Kind> kinds) {
        int roll = r.nextInt(40);
        if (roll < 6) {
            return null;
        }
        if (roll == 6 && kind.name.equals("text")) {
            return "huge".repeat(50_000);
        }
        if (roll == 7) {
            return kinds.get(r.nextInt(kinds.size())).generator.next(r); // a value of another type
        }
        return kind.generator.next(r);
    }

    // ------------------------------------------------------------------ reading back

    /** Every row of {@code quotedTable}, each rendered as text (long values by length and hash), sorted: equal before and after means nothing was written. */
    static List<String> snapshot(TestDatabase db, String quotedTable) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select * from " + quotedTable)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(render(rs.getObject(i))).append(" | ");
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
    }

    /** The rows of {@code quotedTable} by id, rendered as {@link #snapshot} renders them. */
    static Map<Object, String> byId(TestDatabase db, String quotedTable) throws SQLException {
        Map<Object, String> rows = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select * from " + quotedTable)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(render(rs.getObject(i))).append(" | ");
                }
                rows.put(String.valueOf(rs.getObject("id")), row.toString());
            }
        }
        return rows;
    }

    private static String render(Object v) throws SQLException {
        if (v instanceof Clob clob) {
            v = clob.getSubString(1, (int) clob.length());
        }
        if (v instanceof byte[] b) {
            return "bytes" + Arrays.toString(b);
        }
        if (v instanceof String s && s.length() > 300) {
            return "text(" + s.length() + ", " + s.hashCode() + ")";
        }
        return String.valueOf(v);
    }

    /** {@code select count(*) ...} with parameters bound as given. */
    static long matching(TestDatabase db, String sql, Object... parameters) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The ids of the rows whose {@code k} equals {@code key} by the database's own comparison. */
    static List<String> idsOf(TestDatabase db, String table, Object key) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("select id from " + table + " where k = ?")) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** Whether column {@code v} of row {@code id} holds {@code value}, by the database's own comparison (NULL: is null). */
    static boolean holds(TestDatabase db, String table, Object id, String column, Object value) throws SQLException {
        long row = Long.parseLong(String.valueOf(id)); // MySQL casts to signed, not bigint: bind the id as a number instead
        if (value == null) {
            return matching(db, "select count(*) from " + table + " where id = ? and " + column + " is null", row) == 1;
        }
        return matching(db, "select count(*) from " + table + " where id = ? and " + column + " = ?", row, value) == 1;
    }

    static boolean same(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof Clob || b instanceof Clob) {
            return true; // compared by value through the database
        }
        return Objects.equals(a, b);
    }

    static String show(Object value) {
        if (value instanceof byte[] b) {
            return "bytes[" + b.length + "]";
        }
        return value instanceof String s ? printable(s) : value == null ? "NULL" : value + " (" + value.getClass().getSimpleName() + ")";
    }

    static String printable(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + ")" : s;
        return "'" + shown.replace("\u0000", "\\0") + "'";
    }

    static String quote(TestDatabase db, String name) {
        return db.engine().isMysqlFamily() ? "`" + name.replace("`", "``") + "`" : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The name PostgreSQL keeps of a longer one: its first 63 bytes, never half a character. */
    static String truncatedPostgres(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 63) {
            return name;
        }
        int end = 63;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
