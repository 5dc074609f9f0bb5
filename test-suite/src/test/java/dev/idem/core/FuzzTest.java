package dev.idem.core;

import static dev.idem.core.Fuzz.holds;
import static dev.idem.core.Fuzz.idsOf;
import static dev.idem.core.Fuzz.matching;
import static dev.idem.core.Fuzz.printable;
import static dev.idem.core.Fuzz.quote;
import static dev.idem.core.Fuzz.same;
import static dev.idem.core.Fuzz.show;
import static dev.idem.core.Fuzz.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Claim;
import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.IdemException;
import dev.idem.LinkTable;
import dev.idem.Linked;
import dev.idem.NoSuchRowException;
import dev.idem.Queue;
import dev.idem.Row;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.core.Fuzz.Kind;
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
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Generated input through every operation of {@link Idem}: identifiers with quotes, backticks, reserved
 * words, Unicode, empty, NUL and past the database's length limit, as table, column and queue names;
 * values that are NULL, empty, huge, Unicode, injection text, UUIDs, decimals, timestamps with time
 * zones, bytes, numbers at their type's limits, and values of another type, as keys, defaults, changes,
 * increments and worker names. Every case ends in a correct result (the row Idem returns is the one the
 * database stores under that key by its own comparison, read back with plain JDBC, with nothing else
 * written) or in a clear {@link IdemException} or {@link IllegalArgumentException} with the tables
 * exactly as they were; never an injection (a canary table keeps its one row), never a wrong row.
 *
 * <p>Decimals are generated within their column's places: a key with more places than its column is
 * rounded on storage, and then the database's comparison of the given key matches no row (see the README).
 *
 * <p>A plain seeded generator: the seed is printed with the case counts and in every failure; run again
 * with {@code -DIDEM_FUZZ_SEED=<seed>} to replay. {@code IDEM_FUZZ_CASES} sets the number of value cases
 * ({@value #DEFAULT_CASES} by default, sized for CI on a loaded machine; raise it for a longer run).
 */
class FuzzTest {

    private static final List<String> OPERATIONS = List.of("getOrCreate", "getOrCreateAll", "addLink", "addLinks", "removeLink", "claim", "finish",
            "release", "renew", "update", "updateAll", "increment", "updateOrCreate");

    /** Value cases when {@code IDEM_FUZZ_CASES} is not set; increments and claims take a fifth and a tenth of them. */
    static final int DEFAULT_CASES = 150;

    private long seed;
    private final Map<String, Integer> cases = new LinkedHashMap<>();
    private int refused;
    private final List<String> refusedNames = new ArrayList<>();
    private final Map<String, List<Object>> known = new HashMap<>();
    private RuntimeException lastRefusal;

    @DatabaseTest
    void generatedIdentifiersAndValuesGiveTheKeysRowOrAClearErrorBeforeAnyWrite(TestDatabase db) throws Exception {
        String configured = Servers.setting("IDEM_FUZZ_SEED");
        seed = configured == null ? new Random().nextLong() : Long.parseLong(configured);
        String budget = Servers.setting("IDEM_FUZZ_CASES");
        int valueCases = budget == null ? DEFAULT_CASES : Integer.parseInt(budget);
        OPERATIONS.forEach(op -> cases.put(op, 0));
        Random random = new Random(seed);
        db.execute("create table canary (id integer primary key)", "insert into canary (id) values (1)");
        Idem idem = Idem.create(db.dataSource());
        try {
            identifiers(db, idem, random);
            values(db, idem, random, valueCases);
            increments(db, idem, random, Math.max(20, valueCases / 5));
            workers(db, idem, random, Math.max(10, valueCases / 10));
        } catch (Throwable t) {
            throw new AssertionError("fuzz case failed on " + db.target() + " (seed " + seed + ": rerun with -DIDEM_FUZZ_SEED=" + seed + "): "
                    + t.getMessage(), t);
        }
        StringBuilder counts = new StringBuilder();
        cases.forEach((op, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(op).append('=').append(n));
        System.err.println("fuzz[" + db.target() + "] seed=" + seed + " cases: " + counts + "; total=" + cases.values().stream().mapToInt(i -> i).sum()
                + ", refused with a clear error=" + refused
                + (refusedNames.isEmpty() ? "" : "; names the database takes and Idem refuses:\n  " + String.join("\n  ", refusedNames)));
        assertEquals(1, FaultProbe.count(db, "select count(*) from canary"), "the canary table was written");
    }

    private void count(String operation) {
        cases.merge(operation, 1, Integer::sum);
    }

    /**
     * Runs one case of {@code operation}: returns its result, or null when Idem refused it with a clear
     * error, having checked that {@code tables} hold exactly what they held before.
     */
    private <T> T attempt(TestDatabase db, String operation, String what, List<String> tables, Callable<T> call) throws Exception {
        count(operation);
        List<List<String>> before = new ArrayList<>();
        for (String t : tables) {
            before.add(snapshot(db, t));
        }
        try {
            T result = call.call();
            assertNotNull(result, what);
            return result;
        } catch (IllegalArgumentException | IdemException clear) {
            refused++;
            assertTrue(clear.getMessage() != null && !clear.getMessage().isBlank(), what + ": an error with no message");
            for (int i = 0; i < tables.size(); i++) {
                assertEquals(before.get(i), snapshot(db, tables.get(i)), what + ": refused (" + clear.getMessage() + "), yet written");
            }
            lastRefusal = clear;
            return null;
        }
    }

    // ------------------------------------------------------------------ identifiers

    private void identifiers(TestDatabase db, Idem idem, Random random) throws Exception {
        List<String> names = new ArrayList<>(Fuzz.NASTY);
        names.addAll(Fuzz.RESERVED);
        names.addAll(List.of("", "a\u0000b", "x".repeat(62), "x".repeat(64), "x".repeat(65), "é".repeat(31), "x".repeat(300)));
        for (int i = 0; i < 6; i++) {
            names.add(Fuzz.NASTY.get(random.nextInt(Fuzz.NASTY.size())) + Fuzz.RESERVED.get(random.nextInt(Fuzz.RESERVED.size()))
                    + Fuzz.NASTY.get(random.nextInt(Fuzz.NASTY.size())));
        }
        int n = 0;
        for (String name : names) {
            n++;
            identifier(db, idem, n * 2, "t" + n + name, "k" + name, name);
            identifier(db, idem, n * 2 + 1, name, name + "_k", name);
        }
    }

    /**
     * A table, its columns, its link table and its queue's columns named with {@code name}: where the
     * database takes the names, Idem must too, through every operation; where it refuses them, Idem
     * refuses before writing.
     */
    private void identifier(TestDatabase db, Idem idem, int n, String table, String key, String name) throws Exception {
        String value = "v" + name;
        String number = "n" + name;
        String by = "b" + name;
        String until = "u" + name;
        String token = "c" + name;
        String links = "l" + table;
        String what = "table " + printable(table) + ", key " + printable(key);
        boolean created = create(db, table, "create table " + quote(db, table) + " (" + Schemas.id(db.engine()) + ", " + quote(db, key) + " varchar(50) not null, "
                + quote(db, value) + " varchar(50), " + quote(db, number) + " integer default 0, " + quote(db, by) + " varchar(100), "
                + quote(db, until) + " " + Tasks.leaseType(db.engine()) + ", " + quote(db, token) + " varchar(32), unique (" + quote(db, key) + "))");
        if (!created) {
            count("getOrCreate");
            try {
                idem.getOrCreate(Table.named(table).key(key).generatedKey("id"), Values.of(key, "x"), Values.of(value, "y"));
                throw new AssertionError(what + ": no such table, yet getOrCreate returned");
            } catch (IllegalArgumentException | IdemException clear) {
                refused++;
                assertTrue(clear.getMessage() != null && !clear.getMessage().isBlank(), what + ": an error with no message");
            }
            return;
        }
        db.execute("create index fzix" + n + " on " + quote(db, table) + " (" + quote(db, value) + ", id)");
        String q = quote(db, table);
        Got first;
        Table t;
        try {
            count("getOrCreate");
            t = Table.named(table).key(key).generatedKey("id");
            first = idem.getOrCreate(t, Values.of(key, "x'); --"), Values.of(value, "new"));
        } catch (IllegalArgumentException | IdemException clear) {
            // The database took the name, Idem cannot use it: a clear error, and nothing written. Reported as a finding.
            refused++;
            refusedNames.add(db.target() + " " + printable(table) + "/" + printable(key) + ": " + clear.getMessage());
            assertEquals(0, FaultProbe.count(db, "select count(*) from " + q), what + ": refused, yet written");
            db.execute("drop table " + q);
            return;
        }
        count("getOrCreate");
        Got again = idem.getOrCreate(t, Values.of(key, "x'); --"), Values.of(value, "other"));
        assertTrue(first.created(), what);
        assertFalse(again.created(), what);
        assertEquals(first.id(), again.id(), what);
        assertEquals("x'); --", first.row().get(key), what);
        assertEquals("new", again.row().get(value), what + ": the loser's defaults must not apply");

        count("getOrCreateAll");
        List<Got> all = idem.getOrCreateAll(t, List.of(Values.of(key, "x'); --"), Values.of(key, "y\"`", value, "new"),
                Values.of(key, "y\"`", value, "other")));
        assertEquals(List.of(false, true, false), List.of(all.get(0).created(), all.get(1).created(), all.get(2).created()), what + ": " + all);
        assertEquals("new", all.get(1).row().get(value), what);
        assertEquals(all.get(1).row(), all.get(2).row(), what);
        assertEquals(2, FaultProbe.count(db, "select count(*) from " + q), what);

        count("update");
        Row updated = idem.update(t, Values.of(key, "x'); --"), row -> Values.of(value, "u'\"`"));
        assertEquals("u'\"`", updated.get(value), what);
        count("increment");
        assertEquals(5L, idem.increment(t, Values.of(key, "y\"`"), number, 5).getLong(number), what);
        count("updateOrCreate");
        assertTrue(idem.updateOrCreate(t, Values.of(key, "z"), Values.of(value, "new")).created(), what);
        count("updateOrCreate");
        assertFalse(idem.updateOrCreate(t, Values.of(key, "z"), Values.of(value, "new")).created(), what);
        count("updateAll");
        List<Row> rows = idem.updateAll(t, List.of(Values.of(key, "x'); --"), Values.of(key, "z")), r -> List.of(Values.of(value, "new"), Values.of(number, 7)));
        assertEquals(List.of("new", 7L), List.of(rows.get(0).get(value), ((Number) rows.get(1).get(number)).longValue()), what);
        assertEquals(3, FaultProbe.count(db, "select count(*) from " + q + " where " + quote(db, value) + " = 'new'"), what);

        Queue queue = Queue.named(table).key("id").eligible(Values.of(value, "new")).orderBy("id").claimColumns(by, until, token);
        String worker = "w'\"`" + name;
        count("claim");
        List<Claim> claims = idem.claim(queue, worker, 10, Duration.ofMinutes(5));
        assertEquals(3, claims.size(), what + ": " + claims);
        assertEquals(3, matching(db, "select count(*) from " + q + " where " + quote(db, by) + " = ?", worker), what + ": claimed by another name");
        count("renew");
        assertTrue(idem.renew(queue, claims.get(0), Duration.ofMinutes(10)), what);
        count("release");
        assertTrue(idem.release(queue, claims.get(1)), what);
        count("finish");
        assertTrue(idem.finish(queue, claims.get(0), Values.of(value, "done")), what);
        count("finish");
        assertFalse(idem.finish(queue, claims.get(1), Values.of(value, "done")), what + ": finished a released claim");
        assertEquals(1, FaultProbe.count(db, "select count(*) from " + q + " where " + quote(db, value) + " = 'done'"), what);
        assertEquals(3, FaultProbe.count(db, "select count(*) from " + q), what);
        db.execute("drop table " + q);

        if (create(db, links, "create table " + quote(db, links) + " (" + quote(db, key) + " varchar(50) not null, " + quote(db, value)
                + " varchar(50) not null, primary key (" + quote(db, key) + ", " + quote(db, value) + "))")) {
            LinkTable l = LinkTable.named(links).columns(key, value);
            count("addLink");
            assertTrue(idem.addLink(l, "a'\"", "b`"), what);
            count("addLinks");
            Linked linked = idem.addLinks(l, "a'\"", List.of("b`", "c;--"));
            assertEquals(List.of("c;--"), linked.added(), what + ": " + linked);
            count("removeLink");
            assertTrue(idem.removeLink(l, "a'\"", "b`"), what);
            count("removeLink");
            assertFalse(idem.removeLink(l, "a'\"", "b`"), what);
            assertEquals(1, FaultProbe.count(db, "select count(*) from " + quote(db, links)), what);
            db.execute("drop table " + quote(db, links));
        }
    }

    /** Creates a table; false when the database refuses the statement or does not keep the name as given (PostgreSQL truncates a long one). */
    private static boolean create(TestDatabase db, String table, String ddl) throws SQLException {
        try {
            db.execute(ddl);
        } catch (SQLException refusedByDatabase) {
            return false;
        }
        try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, null, new String[] {"TABLE"})) {
            while (rs.next()) {
                if (table.equals(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        db.execute("drop table " + quote(db, db.engine() == Engine.POSTGRESQL ? Fuzz.truncatedPostgres(table) : table));
        return false;
    }

    // ------------------------------------------------------------------ values

    private void values(TestDatabase db, Idem idem, Random random, int budget) throws Exception {
        List<Kind> kinds = Fuzz.kinds(db.engine());
        for (Kind kind : kinds) {
            db.execute("create table fz_" + kind.name() + " (" + Schemas.id(db.engine()) + ", k " + kind.keyType() + " not null, v " + kind.valueType()
                    + ", constraint fz_" + kind.name() + "_k unique (k))");
            db.execute("create table fz_" + kind.name() + "_link (a " + kind.keyType() + " not null, b " + kind.keyType() + " not null, primary key (a, b))");
        }
        for (int i = 0; i < budget; i++) {
            Kind kind = kinds.get(random.nextInt(kinds.size()));
            switch (random.nextInt(6)) {
                case 0 -> getOrCreate(db, idem, kind, key(random, kind, kinds, false), Fuzz.value(random, kind, kinds));
                case 1 -> getOrCreateAll(db, idem, random, kind, kinds);
                case 2 -> link(db, idem, kind, key(random, kind, kinds, false), kind.generator().next(random), kind.generator().next(random));
                case 3 -> updateOrCreate(db, idem, kind, key(random, kind, kinds, true), Fuzz.value(random, kind, kinds));
                case 4 -> update(db, idem, kind, key(random, kind, kinds, true), Fuzz.value(random, kind, kinds));
                default -> updateAll(db, idem, random, kind, kinds);
            }
        }
    }

    /**
     * A key: one that has a row (when {@code existing} and there is one), NULL now and then, else a new one. Never
     * another type's value: a key the database converts on storage (a timestamp into a date column) is stored
     * under a value that the given one does not equal by the database's comparison.
     */
    private Object key(Random random, Kind kind, List<Kind> kinds, boolean existing) {
        List<Object> have = known.getOrDefault(kind.name(), List.of());
        int roll = random.nextInt(40);
        if (roll == 0) {
            return null;
        }
        if (!have.isEmpty() && (existing ? roll < 30 : roll < 8)) {
            return have.get(random.nextInt(have.size()));
        }
        return kind.generator().next(random);
    }

    /**
     * The rows whose key is {@code key} as the column stores it (a decimal rounded to the column's places), by the
     * database's comparison; null when the database cannot compare the column with such a value at all.
     */
    private static List<String> keyIds(TestDatabase db, Kind kind, Object key) {
        try {
            return keyIdsOrFail(db, kind, key);
        } catch (SQLException cannotCompare) {
            return null;
        }
    }

    private static List<String> keyIdsOrFail(TestDatabase db, Kind kind, Object key) throws SQLException {
        if (kind.name().equals("decimal") && key instanceof BigDecimal) {
            List<String> ids = new ArrayList<>();
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("select id from fz_decimal where k = cast(? as decimal(30,10))")) {
                ps.setObject(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        }
        return idsOf(db, "fz_" + kind.name(), key);
    }

    /** The rows whose key is {@code key}; null when the database cannot take such a value at all (a NUL in PostgreSQL's text). */
    private static List<String> idsOrNull(TestDatabase db, String table, Object key) {
        try {
            return idsOf(db, table, key);
        } catch (SQLException cannotCompare) {
            return null;
        }
    }

    private static boolean ownType(Kind kind, Object value) {
        return value == null || value.getClass() == kind.generator().next(new Random(0)).getClass();
    }

    /** The row {@code id} holds {@code value} in {@code v}: by the database's comparison, and read back exactly where the type allows. */
    private static void assertHolds(TestDatabase db, Kind kind, Object id, Object value, String what) throws SQLException {
        if (!ownType(kind, value)) {
            return; // converted by the database, as it would convert it in any statement
        }
        String table = "fz_" + kind.name();
        boolean sqliteDecimal = db.engine() == Engine.SQLITE && kind.name().equals("decimal");
        assertTrue(sqliteDecimal || holds(db, table, id, "v", value), what + ": the stored value is not the one given, by the database's comparison");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("select v from " + table + " where id = ?")) {
            ps.setLong(1, Long.parseLong(String.valueOf(id)));
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), what + ": no row " + id);
                // java.sql.Date and Timestamp use the Julian calendar before 1582: ask for java.time as given.
                Object stored = value instanceof LocalDate || value instanceof LocalDateTime || value instanceof OffsetDateTime
                        ? rs.getObject(1, value.getClass()) : rs.getObject(1);
                // Connector/J takes MariaDB 10's version, sent as "5.5.5-10.x", for a server older than 5.6.4 and drops
                // the fractional seconds of every timestamp it binds, before any statement reaches the server: what
                // any prepared statement stores there, and what Idem's statements store too.
                Object expected = value instanceof LocalDateTime t && c.getMetaData().getDatabaseProductVersion().startsWith("5.5.5-")
                        ? t.withNano(0) : value;
                assertTrue(sqliteDecimal || exactly(expected, stored), what + ": stored " + show(stored) + ", given " + show(value));
            }
        }
    }

    /** Whether {@code stored} as the driver reads it is exactly {@code given}, allowing only for the driver's choice of Java type. */
    private static boolean exactly(Object given, Object stored) throws SQLException {
        if (given == null || stored == null) {
            return given == stored;
        }
        if (stored instanceof java.sql.Clob clob) {
            stored = clob.getSubString(1, (int) clob.length());
        }
        if (stored instanceof java.sql.Blob blob) {
            stored = blob.getBytes(1, (int) blob.length());
        }
        if (given instanceof Boolean b && stored instanceof Number n) {
            return n.intValue() == (b ? 1 : 0);
        }
        if (given instanceof Number g && stored instanceof Number s) {
            return new BigDecimal(g.toString()).compareTo(new BigDecimal(s.toString())) == 0;
        }
        if (given instanceof OffsetDateTime g && stored instanceof OffsetDateTime s) {
            return g.isEqual(s);
        }
        if (given instanceof LocalDate g && stored instanceof java.sql.Date s) {
            return g.equals(s.toLocalDate());
        }
        if (given instanceof LocalDateTime g && stored instanceof java.sql.Timestamp s) {
            return g.equals(s.toLocalDateTime());
        }
        if (given instanceof UUID || stored instanceof UUID) {
            return given.toString().equals(stored.toString());
        }
        return same(given, stored);
    }

    /** Rows other than {@code changed} are as they were. */
    private static void assertOthersUnchanged(Map<Object, String> before, Map<Object, String> after, Set<String> changed, String what) {
        for (Map.Entry<Object, String> e : before.entrySet()) {
            if (!changed.contains(String.valueOf(e.getKey()))) {
                assertEquals(e.getValue(), after.get(e.getKey()), what + ": row " + e.getKey() + " was written, yet it is not the key's");
            }
        }
    }

    private void remember(Kind kind, Object key) {
        if (key != null) {
            known.computeIfAbsent(kind.name(), k -> new ArrayList<>()).add(key);
        }
    }

    private void getOrCreate(TestDatabase db, Idem idem, Kind kind, Object key, Object value) throws Exception {
        String table = "fz_" + kind.name();
        Table t = Table.named(table).key("k").generatedKey("id");
        String what = "getOrCreate " + kind.name() + " key " + show(key) + ", value " + show(value);
        Map<Object, String> before = Fuzz.byId(db, table);
        List<String> had = key == null ? List.of() : keyIds(db, kind, key);
        Got got = attempt(db, "getOrCreate", what, List.of(table), () -> idem.getOrCreate(t, Values.of("k", key), Values.of("v", value)));
        if (got == null) {
            return;
        }
        assertNotNull(had, what + ": the database cannot compare the key, yet Idem returned " + got);
        Map<Object, String> after = Fuzz.byId(db, table);
        assertEquals(before.size() + (got.created() ? 1 : 0), after.size(), what + ": rows written besides the key's");
        assertEquals(had.isEmpty(), got.created(), what + ": created is wrong");
        assertEquals(List.of(String.valueOf(got.id())), keyIds(db, kind, key), what + ": the row returned (" + got + ") is not the key's by the database's own comparison");
        assertOthersUnchanged(before, after, Set.of(), what);
        assertSameRow(db, table, got.row(), what);
        if (got.created()) {
            assertHolds(db, kind, got.id(), value, what);
        }
        count("getOrCreate");
        Got again = idem.getOrCreate(t, Values.of("k", key), Values.of("v", "ignored".equals(value) ? null : value));
        assertFalse(again.created(), what + ": created twice");
        assertEquals(got.id(), again.id(), what + ": another row the second time");
        remember(kind, key);
    }

    private void getOrCreateAll(TestDatabase db, Idem idem, Random random, Kind kind, List<Kind> kinds) throws Exception {
        String table = "fz_" + kind.name();
        Table t = Table.named(table).key("k").generatedKey("id");
        List<Values> rows = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        int size = 1 + random.nextInt(6);
        for (int i = 0; i < size; i++) {
            Object key = i > 0 && random.nextInt(6) == 0 ? keys.get(random.nextInt(i)) : key(random, kind, kinds, false);
            keys.add(key);
            Object value = Fuzz.value(random, kind, kinds);
            rows.add(value == null && random.nextBoolean() ? Values.of("k", key) : Values.of("k", key, "v", value));
        }
        String what = "getOrCreateAll " + kind.name() + " " + rows.stream().map(v -> "(" + show(v.values().get(0)) + ", "
                + (v.size() > 1 ? show(v.values().get(1)) : "-") + ")").toList();
        Map<Object, String> before = Fuzz.byId(db, table);
        List<Got> gots = attempt(db, "getOrCreateAll", what, List.of(table), () -> idem.getOrCreateAll(t, rows));
        if (gots == null) {
            return;
        }
        assertEquals(rows.size(), gots.size(), what);
        Map<String, Integer> createdPerRow = new HashMap<>();
        int created = 0;
        for (int i = 0; i < gots.size(); i++) {
            Got got = gots.get(i);
            String id = String.valueOf(got.id());
            assertEquals(List.of(id), keyIds(db, kind, keys.get(i)), what + ": input " + i + " got " + got + ", not the key's row by the database's own comparison");
            assertSameRow(db, table, got.row(), what);
            if (got.created()) {
                created++;
                assertFalse(before.containsKey(id), what + ": created() for a row that existed");
                assertEquals(null, createdPerRow.put(id, i), what + ": two inputs created row " + id);
                assertHolds(db, kind, id, rows.get(i).size() > 1 ? rows.get(i).values().get(1) : null, what);
            }
            remember(kind, keys.get(i));
        }
        Map<Object, String> after = Fuzz.byId(db, table);
        assertEquals(before.size() + created, after.size(), what + ": rows written besides the keys'");
        assertOthersUnchanged(before, after, Set.of(), what);
        for (Got got : gots) {
            assertTrue(before.containsKey(String.valueOf(got.id())) || createdPerRow.containsKey(String.valueOf(got.id())),
                    what + ": row " + got.id() + " is new, yet no input says it created it");
        }
    }

    private void updateOrCreate(TestDatabase db, Idem idem, Kind kind, Object key, Object value) throws Exception {
        String table = "fz_" + kind.name();
        Table t = Table.named(table).key("k").generatedKey("id");
        String what = "updateOrCreate " + kind.name() + " key " + show(key) + ", value " + show(value);
        Map<Object, String> before = Fuzz.byId(db, table);
        List<String> had = key == null ? List.of() : keyIds(db, kind, key);
        Got got = attempt(db, "updateOrCreate", what, List.of(table), () -> idem.updateOrCreate(t, Values.of("k", key), Values.of("v", value)));
        if (got == null) {
            return;
        }
        assertNotNull(had, what + ": the database cannot compare the key, yet Idem returned " + got);
        String id = String.valueOf(got.id());
        assertEquals(had.isEmpty(), got.created(), what + ": created is wrong");
        assertEquals(List.of(id), keyIds(db, kind, key), what + ": the row returned (" + got + ") is not the key's by the database's own comparison");
        Map<Object, String> after = Fuzz.byId(db, table);
        assertEquals(before.size() + (got.created() ? 1 : 0), after.size(), what + ": rows written besides the key's");
        assertOthersUnchanged(before, after, Set.of(id), what);
        assertHolds(db, kind, id, value, what);
        assertSameRow(db, table, got.row(), what);
        remember(kind, key);
    }

    private void update(TestDatabase db, Idem idem, Kind kind, Object key, Object value) throws Exception {
        String table = "fz_" + kind.name();
        Table t = Table.named(table).key("k").generatedKey("id");
        String what = "update " + kind.name() + " key " + show(key) + ", value " + show(value);
        Map<Object, String> before = Fuzz.byId(db, table);
        List<String> had = key == null ? List.of() : keyIds(db, kind, key);
        Row row = attempt(db, "update", what, List.of(table), () -> idem.update(t, Values.of("k", key), r -> Values.of("v", value)));
        if (row == null) {
            assertFalse(lastRefusal instanceof NoSuchRowException && had != null && !had.isEmpty(), what + ": no such row, yet row " + had + " has the key");
            return;
        }
        String id = String.valueOf(row.get("id"));
        assertEquals(List.of(id), had, what + ": the row updated (" + row + ") is not the key's by the database's own comparison");
        assertOthersUnchanged(before, Fuzz.byId(db, table), Set.of(id), what);
        assertHolds(db, kind, id, value, what);
        assertSameRow(db, table, row, what);
    }

    private void updateAll(TestDatabase db, Idem idem, Random random, Kind kind, List<Kind> kinds) throws Exception {
        String table = "fz_" + kind.name();
        Table t = Table.named(table).key("k").generatedKey("id");
        int size = 1 + random.nextInt(3);
        List<Values> keys = new ArrayList<>();
        List<Values> changes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            keys.add(Values.of("k", i > 0 && random.nextInt(8) == 0 ? keys.get(0).values().get(0) : key(random, kind, kinds, true)));
            changes.add(Values.of("v", Fuzz.value(random, kind, kinds)));
        }
        String what = "updateAll " + kind.name() + " keys " + keys.stream().map(k -> show(k.values().get(0))).toList() + ", values "
                + changes.stream().map(k -> show(k.values().get(0))).toList();
        Map<Object, String> before = Fuzz.byId(db, table);
        List<List<String>> had = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        for (Values k : keys) {
            List<String> ids = k.values().get(0) == null ? List.of() : keyIds(db, kind, k.values().get(0));
            had.add(ids == null ? List.of() : ids);
            distinct.addAll(ids == null ? List.of() : ids);
        }
        List<Row> rows = attempt(db, "updateAll", what, List.of(table), () -> idem.updateAll(t, keys, r -> changes));
        if (rows == null) {
            assertFalse(lastRefusal instanceof NoSuchRowException && had.stream().noneMatch(List::isEmpty), what + ": no such row, yet every key has one");
            return;
        }
        assertEquals(size, distinct.size(), what + ": two keys name one row " + had + ", and each was given its own value; that must be refused");
        for (int i = 0; i < size; i++) {
            String id = String.valueOf(rows.get(i).get("id"));
            assertEquals(List.of(id), had.get(i), what + ": row " + i + " (" + rows.get(i) + ") is not the key's by the database's own comparison");
            assertHolds(db, kind, id, changes.get(i).values().get(0), what);
            assertSameRow(db, table, rows.get(i), what);
        }
        assertOthersUnchanged(before, Fuzz.byId(db, table), distinct, what);
    }

    /** The row Idem returned equals the row as the driver reads it back by id. */
    private static void assertSameRow(TestDatabase db, String table, Row row, String what) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("select k, v from " + table + " where id = ?")) {
            ps.setObject(1, row.get("id"));
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), what + ": no row with the returned id");
                assertTrue(same(rs.getObject(1), row.get("k")), what + ": key returned " + show(row.get("k")) + ", stored " + show(rs.getObject(1)));
                assertTrue(same(rs.getObject(2), row.get("v")), what + ": value returned " + show(row.get("v")) + ", stored " + show(rs.getObject(2)));
            }
        }
    }

    // ------------------------------------------------------------------ links

    private void link(TestDatabase db, Idem idem, Kind kind, Object owner, Object target, Object other) throws Exception {
        String table = "fz_" + kind.name() + "_link";
        LinkTable links = LinkTable.named(table).columns("a", "b");
        String what = kind.name() + " link " + show(owner) + " -> " + show(target) + ", " + show(other);
        String count = "select count(*) from " + table;
        long before = FaultProbe.count(db, count);
        Boolean added = attempt(db, "addLink", what, List.of(table), () -> idem.addLink(links, owner, target));
        if (added == null) {
            return;
        }
        assertEquals(1, matching(db, count + " where a = ? and b = ?", owner, target), what + ": not linked once");
        assertEquals(before + (added ? 1 : 0), FaultProbe.count(db, count), what);
        count("addLink");
        assertFalse(idem.addLink(links, owner, target), what + ": added twice");
        long withBoth = FaultProbe.count(db, count);
        try {
            Linked linked = attempt(db, "addLinks", what, List.of(table), () -> idem.addLinks(links, owner, List.of(target, other, target)));
            if (linked != null) {
                boolean otherIsTarget = matching(db, "select count(*) from " + table + " where a = ? and b = ? and b = ?", owner, target, other) == 1;
                assertEquals(otherIsTarget ? 1 : 2, linked.added().size() + linked.existing().size(), what + ": each distinct target reported once: " + linked);
                assertTrue(linked.existing().stream().anyMatch(t -> same(t, target)), what + ": the existing link not reported existing: " + linked);
                assertEquals(withBoth + linked.added().size(), FaultProbe.count(db, count), what + ": " + linked);
                assertEquals(1, matching(db, count + " where a = ? and b = ?", owner, other), what + ": not all linked");
            }
        } catch (IllegalStateException converted) {
            // The database stored a target converted (SQLite's NUMERIC), and Idem cannot tell which targets were new: it says so.
            assertTrue(converted.getMessage().contains("The links are in place"), converted.getMessage());
            assertEquals(1, matching(db, count + " where a = ? and b = ?", owner, other), what + ": not all linked");
        }
        long linkedNow = FaultProbe.count(db, count);
        Boolean removed = attempt(db, "removeLink", what, List.of(table), () -> idem.removeLink(links, owner, target));
        if (removed != null) {
            assertTrue(removed, what + ": the link was there");
            assertEquals(0, matching(db, count + " where a = ? and b = ?", owner, target), what + ": still linked");
            assertEquals(linkedNow - 1, FaultProbe.count(db, count), what + ": removed more than the link");
            count("removeLink");
            assertFalse(idem.removeLink(links, owner, target), what + ": removed twice");
        }
    }

    // ------------------------------------------------------------------ increments

    /** Increments at the limits of each integer type: the exact sum where it fits, a clear error with nothing written where it does not. */
    private void increments(TestDatabase db, Idem idem, Random random, int budget) throws Exception {
        boolean sqlite = db.engine() == Engine.SQLITE;
        db.execute("create table fz_counter (" + Schemas.id(db.engine()) + ", k varchar(50) not null unique, s smallint, i integer, b bigint, d decimal(30,10))");
        db.execute("insert into fz_counter (k) values ('c1')", "insert into fz_counter (k) values ('c2')");
        Table t = Table.named("fz_counter").key("k").generatedKey("id");
        Map<String, BigDecimal[]> limits = new LinkedHashMap<>();
        BigDecimal long0 = BigDecimal.valueOf(Long.MIN_VALUE);
        BigDecimal long1 = BigDecimal.valueOf(Long.MAX_VALUE);
        limits.put("s", sqlite ? new BigDecimal[] {long0, long1} : new BigDecimal[] {BigDecimal.valueOf(Short.MIN_VALUE), BigDecimal.valueOf(Short.MAX_VALUE)});
        limits.put("i", sqlite ? new BigDecimal[] {long0, long1} : new BigDecimal[] {BigDecimal.valueOf(Integer.MIN_VALUE), BigDecimal.valueOf(Integer.MAX_VALUE)});
        limits.put("b", new BigDecimal[] {long0, long1});
        if (!sqlite) {
            limits.put("d", new BigDecimal[] {new BigDecimal("-99999999999999999999.9999999999"), new BigDecimal("99999999999999999999.9999999999")});
        }
        List<String> columns = new ArrayList<>(limits.keySet());
        for (int n = 0; n < budget; n++) {
            String column = columns.get(random.nextInt(columns.size()));
            BigDecimal[] range = limits.get(column);
            BigDecimal start = switch (random.nextInt(6)) {
                case 0 -> null;
                case 1 -> range[0];
                case 2 -> range[1];
                case 3 -> BigDecimal.ZERO;
                default -> range[random.nextInt(2)].subtract(range[0].signum() < 0 && random.nextBoolean() ? BigDecimal.ONE : BigDecimal.ONE.negate())
                        .setScale(0, java.math.RoundingMode.DOWN);
            };
            if (start != null && (start.compareTo(range[0]) < 0 || start.compareTo(range[1]) > 0)) {
                start = BigDecimal.ZERO;
            }
            long delta = (long) Fuzz.pick(random, 1L, -1L, 0L, Long.MAX_VALUE, Long.MIN_VALUE, (long) random.nextInt(), random.nextLong(), 40_000L, -40_000L);
            String key = random.nextInt(15) == 0 ? Fuzz.text(random) : random.nextBoolean() ? "c1" : "c2";
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("update fz_counter set " + column + " = ? where k = 'c1' or k = 'c2'")) {
                ps.setObject(1, start);
                ps.executeUpdate();
            }
            String what = "increment " + column + " of " + show(key) + " from " + start + " by " + delta;
            Map<Object, String> before = Fuzz.byId(db, "fz_counter");
            List<String> had = idsOrNull(db, "fz_counter", key);
            Row row = attempt(db, "increment", what, List.of("fz_counter"), () -> idem.increment(t, Values.of("k", key), column, delta));
            BigDecimal sum = start == null ? null : start.add(BigDecimal.valueOf(delta));
            boolean fits = sum != null && sum.compareTo(range[0]) >= 0 && sum.compareTo(range[1]) <= 0;
            if (row == null) {
                assertFalse(fits && had != null && !had.isEmpty(), what + ": refused (" + lastRefusal.getMessage() + "), yet the sum fits");
                continue;
            }
            assertNotNull(had, what + ": the database cannot compare the key (PostgreSQL's text holds no NUL), yet increment returned " + row);
            assertTrue(fits, what + ": the sum " + sum + " does not fit the column, yet increment returned " + row);
            String id = String.valueOf(row.get("id"));
            assertEquals(List.of(id), had, what + ": not the key's row");
            assertTrue(exactly(sum, row.get(column)), what + ": returned " + show(row.get(column)) + ", the sum is " + sum);
            assertTrue(holds(db, "fz_counter", id, column, sum), what + ": the database does not hold the sum " + sum);
            assertOthersUnchanged(before, Fuzz.byId(db, "fz_counter"), Set.of(id), what);
        }
    }

    // ------------------------------------------------------------------ queues

    /** Every claim the task table holds, as (key/token). */
    private static Set<String> claimTokens(TestDatabase db) throws SQLException {
        Set<String> held = new HashSet<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id, claim_token from task where claim_token is not null")) {
            while (rs.next()) {
                held.add(rs.getObject(1) + "/" + rs.getString(2));
            }
        }
        return held;
    }

    /** Claims with generated worker names, limits and leases, each claim then finished, released or renewed. */
    private void workers(TestDatabase db, Idem idem, Random random, int budget) throws Exception {
        Tasks.create(db, 3 * budget);
        Queue queue = Tasks.TASKS;
        for (int n = 0; n < budget; n++) {
            String worker = random.nextInt(10) == 0 ? "w".repeat(101) : Fuzz.text(random);
            int limit = (int) Fuzz.pick(random, 1, 2, 3, 0, -1, 1001);
            Duration lease = (Duration) Fuzz.pick(random, Duration.ofMinutes(5), Duration.ofDays(3650), Duration.ofMillis(1), Duration.ZERO,
                    Duration.ofSeconds(-1), Duration.ofNanos(1));
            String what = "claim by " + show(worker) + ", limit " + limit + ", lease " + lease;
            Set<String> heldBefore = claimTokens(db);
            List<Claim> claims = attempt(db, "claim", what, List.of("task"), () -> idem.claim(queue, worker, limit, lease));
            if (claims == null) {
                continue;
            }
            assertTrue(limit >= 1 && limit <= 1000 && lease.toMillis() >= 1, what + ": accepted");
            assertTrue(claims.size() <= limit, what + ": " + claims);
            Set<String> returned = new HashSet<>();
            for (Claim claim : claims) {
                assertEquals(1, matching(db, "select count(*) from task where id = ? and claimed_by = ? and claim_token = ?", claim.key(), worker,
                        claim.token()), what + ": row " + claim.key() + " is not claimed by that worker, exactly named, with the claim's token");
                returned.add(claim.key() + "/" + claim.token());
            }
            // Rows claimed earlier (by this worker name too) keep their tokens; any other token is a claim not returned.
            Set<String> heldAfter = claimTokens(db);
            heldAfter.removeAll(heldBefore);
            heldAfter.removeAll(returned);
            assertEquals(Set.of(), heldAfter, what + ": rows claimed, yet not returned");
            for (Claim claim : claims) {
                Object key = claim.key();
                Boolean done = switch (random.nextInt(3)) {
                    case 0 -> attempt(db, "finish", what, List.of("task"), () -> idem.finish(queue, claim, Values.of("status", "done")));
                    case 1 -> attempt(db, "release", what, List.of("task"), () -> idem.release(queue, claim));
                    default -> attempt(db, "renew", what, List.of("task"), () -> idem.renew(queue, claim, Duration.ofMinutes(1)));
                };
                if (done != null && done) {
                    assertEquals(1, matching(db, "select count(*) from task where id = ?", key), what);
                }
            }
        }
        assertEquals(0, Tasks.count(db, "status = 'done' and claim_token is not null"), "a finished row still holds a claim");
    }
}
