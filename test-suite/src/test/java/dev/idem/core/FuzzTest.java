package dev.idem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.IdemException;
import dev.idem.LinkTable;
import dev.idem.Linked;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Servers;
import dev.idem.testing.TestDatabase;
import java.math.BigDecimal;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Generated input through getOrCreate, addLink and addLinks: identifiers with quotes, backticks,
 * reserved words, Unicode, empty, NUL and past the database's length limit; values that are NULL,
 * empty, huge, Unicode, injection text, UUIDs, decimals, timestamps with time zones, bytes and numbers
 * at their type's limits. Every case ends in a correct result (the row Idem returns is the one the
 * database stores under that key by its own comparison, the same row every time, nothing else written)
 * or in a clear error with nothing written; never an injection, never a wrong row.
 *
 * <p>A plain seeded generator: the seed is printed with the case counts and in every failure; run again
 * with {@code -DIDEM_FUZZ_SEED=<seed>} to replay. {@code IDEM_FUZZ_CASES} sets the number of value cases.
 */
class FuzzTest {

    private static final List<String> RESERVED = List.of("select", "order", "user", "key", "limit");
    private static final List<String> NASTY = List.of("\"", "\"\"", "`", "``", "'", "''", ";", "--", "/*", "*/", "\\", "]", "[", "$1", "?", "%",
            ") values (1); drop table tag; --", "\" or 1=1 --", "` or 1=1 #", "é", "日本", "ß", "İ", "😀", " ", "\t", "a b");

    private long seed;
    private int identifierCases;
    private int valueCases;
    private int linkCases;
    private int refused;
    private final List<String> refusedNames = new ArrayList<>();

    @DatabaseTest
    void generatedIdentifiersAndValuesGiveTheKeysRowOrAClearErrorBeforeAnyWrite(TestDatabase db) throws Exception {
        String configured = Servers.setting("IDEM_FUZZ_SEED");
        seed = configured == null ? new Random().nextLong() : Long.parseLong(configured);
        String cases = Servers.setting("IDEM_FUZZ_CASES");
        int valueBudget = cases == null ? 200 : Integer.parseInt(cases);
        Random random = new Random(seed);
        Schemas.tags(db);
        Idem idem = Idem.create(db.dataSource());
        try {
            identifiers(db, idem, random);
            values(db, idem, random, valueBudget);
        } catch (Throwable t) {
            throw new AssertionError("fuzz case failed on " + db.target() + " (seed " + seed + ": rerun with -DIDEM_FUZZ_SEED=" + seed + "): "
                    + t.getMessage(), t);
        }
        System.err.println("[idem] fuzz " + db.target() + ": " + identifierCases + " identifier cases, " + valueCases + " value cases, "
                + linkCases + " link cases, " + refused + " refused with a clear error, seed " + seed
                + (refusedNames.isEmpty() ? "" : "; names the database takes and Idem refuses:\n  " + String.join("\n  ", refusedNames)));
        assertEquals(1, FaultProbe.count(db, "select count(*) from tag"), "the tag table was written by a case that was not about it");
    }

    // ------------------------------------------------------------------ identifiers

    private void identifiers(TestDatabase db, Idem idem, Random random) throws Exception {
        db.execute("insert into tag (title) values ('sentinel')");
        List<String> names = new ArrayList<>(NASTY);
        names.addAll(RESERVED);
        names.addAll(List.of("", "a\u0000b", "x".repeat(64), "x".repeat(65), "é".repeat(40), "x".repeat(300)));
        for (int i = 0; i < 6; i++) {
            names.add(NASTY.get(random.nextInt(NASTY.size())) + RESERVED.get(random.nextInt(RESERVED.size())) + NASTY.get(random.nextInt(NASTY.size())));
        }
        int n = 0;
        for (String name : names) {
            identifierCases++;
            n++;
            identifier(db, idem, "t" + n + name, "k" + name, "v" + name);
            identifier(db, idem, name, name + "_k", name + "_v");
        }
    }

    /** A table and columns named as given: where the database takes them, Idem must too; where it refuses them, Idem refuses before writing. */
    private void identifier(TestDatabase db, Idem idem, String table, String key, String value) throws Exception {
        boolean created;
        try {
            db.execute("create table " + quote(db, table) + " (" + Schemas.id(db.engine()) + ", " + quote(db, key) + " varchar(50) not null, "
                    + quote(db, value) + " varchar(50), unique (" + quote(db, key) + "))");
            created = exactlyNamed(db, table);
        } catch (SQLException refusedByDatabase) {
            created = false;
        }
        String what = "table " + printable(table) + ", key " + printable(key);
        if (!created) {
            try {
                idem.getOrCreate(Table.named(table).key(key).generatedKey("id"), Values.of(key, "x"), Values.of(value, "y"));
                throw new AssertionError(what + ": no such table, yet getOrCreate returned");
            } catch (IllegalArgumentException | IdemException clear) {
                refused++;
                assertTrue(clear.getMessage() != null && !clear.getMessage().isBlank(), what + ": an error with no message");
            }
            return;
        }
        Got first;
        Table t;
        try {
            t = Table.named(table).key(key).generatedKey("id");
            first = idem.getOrCreate(t, Values.of(key, "x'); --"), Values.of(value, "y\""));
        } catch (IllegalArgumentException | IdemException clear) {
            // The database took the name, Idem cannot use it: a clear error, and nothing written. Reported as a finding.
            refusedNames.add(db.target() + " " + printable(table) + "/" + printable(key) + ": " + clear.getMessage());
            assertEquals(0, FaultProbe.count(db, "select count(*) from " + quote(db, table)), what + ": refused, yet written");
            db.execute("drop table " + quote(db, table));
            return;
        }
        Got again = idem.getOrCreate(t, Values.of(key, "x'); --"), Values.of(value, "other"));
        assertTrue(first.created(), what);
        assertFalse(again.created(), what);
        assertEquals(first.id(), again.id(), what);
        assertEquals("x'); --", first.row().get(key), what);
        assertEquals("y\"", again.row().get(value), what + ": the loser's defaults must not apply");
        assertEquals(1, FaultProbe.count(db, "select count(*) from " + quote(db, table)), what);
        db.execute("drop table " + quote(db, table));
    }

    /** Whether the database kept the name as given (PostgreSQL truncates a long one to 63 bytes with a mere notice). */
    private static boolean exactlyNamed(TestDatabase db, String table) throws SQLException {
        try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, null, new String[] {"TABLE"})) {
            while (rs.next()) {
                if (table.equals(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        db.execute("drop table " + quote(db, table.length() > 63 ? truncatedPostgres(table) : table));
        return false;
    }

    private static String truncatedPostgres(String name) {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int end = 63;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String quote(TestDatabase db, String name) {
        return db.engine().isMysqlFamily() ? "`" + name.replace("`", "``") + "`" : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String printable(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + ")" : s;
        return "'" + shown.replace("\u0000", "\\0") + "'";
    }

    // ------------------------------------------------------------------ values

    /** A column type and the values to try in it. */
    private record Kind(String name, String keyType, String valueType, Generator generator) {
    }

    private interface Generator {
        Object next(Random random);
    }

    private static List<Kind> kinds(Engine engine) {
        boolean my = engine.isMysqlFamily();
        boolean sqlite = engine == Engine.SQLITE;
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("text", "varchar(200)", switch (engine) {
            case POSTGRESQL, SQLITE -> "text";
            case MARIADB, MYSQL -> "mediumtext";
            case H2 -> "varchar(1000000)";
        }, FuzzTest::text));
        kinds.add(new Kind("int", "integer", "integer", r -> pick(r, 0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, r.nextInt())));
        kinds.add(new Kind("bigint", "bigint", "bigint", r -> pick(r, 0L, Long.MAX_VALUE, Long.MIN_VALUE, r.nextLong(), (long) Integer.MAX_VALUE + 1)));
        kinds.add(new Kind("decimal", "decimal(30,10)", "decimal(30,10)", r -> pick(r, BigDecimal.ZERO, new BigDecimal("-0.0000000001"),
                new BigDecimal("99999999999999999999.9999999999"), new BigDecimal("-99999999999999999999.9999999999"),
                BigDecimal.valueOf(r.nextLong(), r.nextInt(11)), new BigDecimal("1.50"))));
        if (!sqlite) {
            kinds.add(new Kind("bytes", my ? "varbinary(255)" : engine == Engine.POSTGRESQL ? "bytea" : "varbinary(255)",
                    my ? "mediumblob" : engine == Engine.POSTGRESQL ? "bytea" : "varbinary(1000000)", FuzzTest::bytes));
            kinds.add(new Kind("timestamptz", my ? "datetime(6)" : "timestamp with time zone", my ? "datetime(6)" : "timestamp with time zone",
                    r -> my ? LocalDateTime.of(1000 + r.nextInt(8999), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60),
                            r.nextInt(1_000_000) * 1000) : offsetDateTime(r)));
            kinds.add(new Kind("date", "date", "date", r -> pick(r, LocalDate.of(1, 1, 1).plusDays(r.nextInt(3_000_000)), LocalDate.of(1970, 1, 1),
                    LocalDate.of(9999, 12, 31), LocalDate.of(2000, 2, 29))));
            kinds.add(new Kind("uuid", my ? "char(36)" : "uuid", my ? "char(36)" : "uuid", r -> my ? UUID.randomUUID().toString() : new UUID(r.nextLong(), r.nextLong())));
        }
        kinds.add(new Kind("boolean", "boolean", "boolean", r -> r.nextBoolean()));
        return kinds;
    }

    private static Object pick(Random r, Object... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static Object text(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> "";
            case 1 -> NASTY.get(r.nextInt(NASTY.size()));
            case 2 -> "x".repeat(200);
            case 3 -> "x".repeat(201);            // one past the key column's length
            case 4 -> "a\u0000b";                 // NUL: PostgreSQL's text refuses it
            case 5 -> "trailing ";
            case 6 -> r.nextBoolean() ? "Case" : "case";
            default -> new String(r.ints(1 + r.nextInt(30), 0x20, 0x2FFF).filter(Character::isDefined).toArray(), 0, 0) + randomText(r);
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
        byte[] b = new byte[pick(r, 0, 1, 16, 255).hashCode()];
        r.nextBytes(b);
        return b;
    }

    private static OffsetDateTime offsetDateTime(Random r) {
        return OffsetDateTime.of(1 + r.nextInt(9998), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60),
                r.nextInt(1_000_000) * 1000, ZoneOffset.ofTotalSeconds((r.nextInt(28) - 14) * 3600 + (r.nextBoolean() ? 1800 : 0)))
                .truncatedTo(ChronoUnit.MICROS);
    }

    private void values(TestDatabase db, Idem idem, Random random, int budget) throws Exception {
        List<Kind> kinds = kinds(db.engine());
        for (Kind kind : kinds) {
            db.execute("create table fz_" + kind.name + " (" + Schemas.id(db.engine()) + ", k " + kind.keyType + " not null, v " + kind.valueType
                    + ", constraint fz_" + kind.name + "_k unique (k))");
            db.execute("create table fz_" + kind.name + "_link (a " + kind.keyType + " not null, b " + kind.keyType + " not null, primary key (a, b))");
        }
        for (int i = 0; i < budget; i++) {
            Kind kind = kinds.get(random.nextInt(kinds.size()));
            Object key = random.nextInt(20) == 0 ? null : kind.generator.next(random);
            Object value = random.nextInt(5) == 0 ? null : random.nextInt(10) == 0 && kind.name.equals("text") ? "huge".repeat(50_000)
                    : kind.generator.next(random);
            valueCases++;
            value(db, idem, kind, key, value);
            if (key != null && i % 3 == 0) {
                linkCases++;
                link(db, idem, kind, key, kind.generator.next(random), kind.generator.next(random));
            }
        }
    }

    private void value(TestDatabase db, Idem idem, Kind kind, Object key, Object value) throws Exception {
        Table table = Table.named("fz_" + kind.name).key("k").generatedKey("id");
        String what = kind.name + " key " + show(key) + ", value " + show(value);
        long before = FaultProbe.count(db, "select count(*) from fz_" + kind.name);
        Got got;
        try {
            got = idem.getOrCreate(table, Values.of("k", key), Values.of("v", value));
        } catch (IllegalArgumentException | IdemException clear) {
            refused++;
            assertTrue(clear.getMessage() != null && !clear.getMessage().isBlank(), what + ": an error with no message");
            assertEquals(before, FaultProbe.count(db, "select count(*) from fz_" + kind.name), what + ": refused, yet a row was written");
            return;
        }
        long after = FaultProbe.count(db, "select count(*) from fz_" + kind.name);
        assertEquals(before + (got.created() ? 1 : 0), after, what + ": rows written besides the key's");
        assertEquals(1, matching(db, "select count(*) from fz_" + kind.name + " where k = ? and id = ?", key, got.id()),
                what + ": the row returned (" + got + ") is not the key's by the database's own comparison");
        assertSameRow(db, kind, got, what);
        if (got.created() && value != null && !(value instanceof byte[]) && !kind.name.equals("decimal")) {
            assertEquals(1, matching(db, "select count(*) from fz_" + kind.name + " where id = ? and v = ?", got.id(), value),
                    what + ": the stored value is not the one given");
        }
        Got again = idem.getOrCreate(table, Values.of("k", key), Values.of("v", "ignored".equals(value) ? null : value));
        assertFalse(again.created(), what + ": created twice");
        assertEquals(got.id(), again.id(), what + ": another row the second time");
    }

    /** The row Idem returned equals the row as the driver reads it back by id. */
    private static void assertSameRow(TestDatabase db, Kind kind, Got got, String what) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("select k, v from fz_" + kind.name + " where id = ?")) {
            ps.setObject(1, got.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), what + ": no row with the returned id");
                assertTrue(same(rs.getObject(1), got.row().get("k")), what + ": key returned " + show(got.row().get("k")) + ", stored " + show(rs.getObject(1)));
                assertTrue(same(rs.getObject(2), got.row().get("v")), what + ": value returned differs from the stored one");
            }
        }
    }

    private void link(TestDatabase db, Idem idem, Kind kind, Object owner, Object target, Object other) throws Exception {
        LinkTable table = LinkTable.named("fz_" + kind.name + "_link").columns("a", "b");
        String what = kind.name + " link " + show(owner) + " -> " + show(target);
        String count = "select count(*) from fz_" + kind.name + "_link";
        long before = FaultProbe.count(db, count);
        boolean added;
        try {
            added = idem.addLink(table, owner, target);
        } catch (IllegalArgumentException | IdemException clear) {
            refused++;
            assertEquals(before, FaultProbe.count(db, count), what + ": refused, yet a link was written");
            return;
        }
        assertEquals(1, matching(db, count + " where a = ? and b = ?", owner, target), what + ": not linked once");
        assertEquals(before + (added ? 1 : 0), FaultProbe.count(db, count), what);
        assertFalse(idem.addLink(table, owner, target), what + ": added twice");
        long withBoth = FaultProbe.count(db, count);
        try {
            Linked linked = idem.addLinks(table, owner, List.of(target, other, target));
            assertEquals(new LinkedHashSet<>(normalized(List.of(target, other))).size(), linked.added().size() + linked.existing().size(),
                    what + ": each distinct target reported once: " + linked);
            assertTrue(linked.existing().stream().anyMatch(t -> same(t, target)), what + ": the existing link not reported existing: " + linked);
            assertEquals(withBoth + linked.added().size(), FaultProbe.count(db, count), what + ": " + linked);
        } catch (IllegalArgumentException | IdemException clear) {
            refused++;
            assertEquals(withBoth, FaultProbe.count(db, count), what + ": addLinks refused, yet wrote part of it");
        } catch (IllegalStateException converted) {
            // The database stored a target converted (SQLite's NUMERIC), and Idem cannot tell which targets were new: it says so.
            refused++;
            assertTrue(converted.getMessage().contains("The links are in place"), converted.getMessage());
            assertEquals(1, matching(db, count + " where a = ? and b = ?", owner, other), what + ": not all linked");
        }
    }

    private static List<Object> normalized(List<Object> values) {
        List<Object> out = new ArrayList<>();
        for (Object v : values) {
            out.add(v instanceof byte[] b ? Arrays.toString(b) : v instanceof BigDecimal d ? d.stripTrailingZeros() : v);
        }
        return out;
    }

    private static long matching(TestDatabase db, String sql, Object... parameters) throws SQLException {
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

    private static boolean same(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof java.sql.Clob || b instanceof java.sql.Clob) {
            return true; // compared by value through the database above
        }
        return java.util.Objects.equals(a, b);
    }

    private static String show(Object value) {
        if (value instanceof byte[] b) {
            return "bytes[" + b.length + "]";
        }
        return value instanceof String s ? printable(s) : String.valueOf(value);
    }

    @SuppressWarnings("unused")
    private static void unused(Statement s) {
    }
}
