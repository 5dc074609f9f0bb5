package dev.idem.lab.bench;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.hibernate.GotEntity;
import dev.idem.hibernate.IdemSession;
import dev.idem.lab.scenario.model.LabTag;
import dev.idem.testing.Engine;
import dev.idem.testing.HibernateFactories;
import dev.idem.testing.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * The patterns Idem replaces, written as their users write them, and the Idem calls next to them: Django's
 * {@code get_or_create} (in auto-commit mode and inside a caller's transaction), the naive Hibernate
 * get-or-create, and bulk get-or-create against a hand-written multi-row insert. Each is one benchmark
 * operation: {@code call(pool, idem, n)} as {@link Benchmark.Operation} asks.
 */
final class Patterns {

    /** Rows per bulk call: getOrCreateAll, the single calls it replaces, and the multi-row insert. */
    static final int BULK = 1000;

    private static final Table TAG = Table.named("tag").key("title").generatedKey("id");
    private static final String SELECT = "select * from tag where title = ?";
    private static final String INSERT = "insert into tag (title, color) values (?, ?)";

    private Patterns() {
    }

    // Django's get_or_create, a miss: get() finds nothing, then create() inside transaction.atomic(). In
    // auto-commit mode atomic() is a transaction of its own (BEGIN, INSERT, COMMIT); inside the caller's
    // transaction it is a savepoint (SAVEPOINT, INSERT, RELEASE). On an IntegrityError Django rolls back to
    // the savepoint and reads again; a fresh key never gets there.

    static void djangoMiss(DataSource pool, Idem idem, long n) throws SQLException {
        try (Connection c = pool.getConnection()) {
            expect(!selectByTitle(c, Benchmark.fresh(n)), "a miss found a row");
            c.setAutoCommit(false);
            try {
                insert(c, Benchmark.fresh(n));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    static void djangoMissInTransaction(DataSource pool, Idem idem, long n) throws SQLException {
        inTransaction(pool, c -> {
            expect(!selectByTitle(c, Benchmark.fresh(n)), "a miss found a row");
            Savepoint savepoint = c.setSavepoint();
            try {
                insert(c, Benchmark.fresh(n));
            } catch (SQLException e) {
                c.rollback(savepoint);
                throw e;
            }
            c.releaseSavepoint(savepoint);
        });
    }

    /** The floor inside a transaction: BEGIN, the prepared insert with its id read back, COMMIT. */
    static void floorInsertInTransaction(DataSource pool, Idem idem, long n) throws SQLException {
        inTransaction(pool, c -> insert(c, Benchmark.fresh(n)));
    }

    static void idemMissInTransaction(DataSource pool, Idem idem, long n) throws SQLException {
        inTransaction(pool, c -> {
            Got got = idem.on(c).getOrCreate(TAG, Values.of("title", Benchmark.fresh(n)), Values.of("color", "red"));
            expect(got.created(), "a miss found a row");
        });
    }

    /** The floor of a hit inside a transaction: BEGIN, the prepared select by key, COMMIT. */
    static void floorSelectInTransaction(DataSource pool, Idem idem, long n) throws SQLException {
        inTransaction(pool, c -> expect(selectByTitle(c, Benchmark.existing(n)), "an existing key was not found"));
    }

    // Hibernate, each call a session and a transaction as a service method has. The naive pattern finds the
    // entity by its natural key with a query, and persists a new one when there is none.

    static void hibernateNaiveMiss(DataSource pool, Idem idem, long n) {
        inSession(pool, s -> {
            String title = Benchmark.fresh(n);
            expect(findByTitle(s, title) == null, "a miss found a row");
            LabTag tag = new LabTag();
            tag.setTitle(title);
            tag.setColor("red");
            s.persist(tag);
            s.flush();
            return tag;
        });
    }

    static void hibernateNaiveHit(DataSource pool, Idem idem, long n) {
        inSession(pool, s -> {
            LabTag tag = findByTitle(s, Benchmark.existing(n));
            expect(tag != null, "an existing key was not found");
            return tag;
        });
    }

    static void idemHibernateMiss(DataSource pool, Idem idem, long n) {
        inSession(pool, s -> {
            GotEntity<LabTag> got = IdemSession.of(s).getOrCreate(LabTag.class, Map.of("title", Benchmark.fresh(n)), t -> t.setColor("red"));
            expect(got.created(), "a miss found a row");
            return got;
        });
    }

    static void idemHibernateHit(DataSource pool, Idem idem, long n) {
        inSession(pool, s -> {
            GotEntity<LabTag> got = IdemSession.of(s).getOrCreate(LabTag.class, Map.of("title", Benchmark.existing(n)), t -> t.setColor("red"));
            expect(!got.created(), "a hit created a row");
            return got;
        });
    }

    // Bulk: 1,000 new keys, by one getOrCreateAll, by 1,000 getOrCreate calls, and by one multi-row insert.

    /** One prepared multi-row insert of {@value #BULK} new rows; no ids read back, so the strictest floor. */
    static void floorInsertBulk(DataSource pool, Idem idem, long n) throws SQLException {
        String sql = INSERT + ", (?, ?)".repeat(BULK - 1);
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            for (int i = 0; i < BULK; i++) {
                ps.setString(p++, bulkTitle(n, i));
                ps.setString(p++, "red");
            }
            expect(ps.executeUpdate() == BULK, "the multi-row insert did not insert every row");
        }
    }

    /** floor-insert-1000 with the database's own clause that skips existing keys. */
    static void floorSkipBulk(DataSource pool, Idem idem, long n) throws SQLException {
        skipExisting(pool, "tag", List.of("title", "color"), "title", BULK, i -> bulkTitle(n, i), i -> "red");
    }

    /**
     * One prepared multi-row insert of {@code rows} rows of the two {@code columns}, whose unique key is
     * {@code key} (one column, or both), with the database's own clause that skips a row whose key exists: ON CONFLICT DO
     * NOTHING on PostgreSQL and SQLite, ON DUPLICATE KEY UPDATE of the key to itself on MySQL and MariaDB (no
     * INSERT IGNORE, which also silences other errors), MERGE on H2. The raw form of an idempotent insert.
     */
    static void skipExisting(DataSource pool, String table, List<String> columns, String key, int rows,
                             IntFunction<Object> first, IntFunction<Object> second) throws SQLException {
        skipExisting(pool, table, columns, key, rows, first, second, false);
    }

    /**
     * {@link #skipExisting(DataSource, String, List, String, int, IntFunction, IntFunction)}; with {@code readBack}, the
     * rows are read back too, every column, in the same statement where the database can: {@code RETURNING *} on
     * PostgreSQL, SQLite and MariaDB, {@code SELECT * FROM FINAL TABLE (MERGE ...)} on H2; MySQL, which returns no rows
     * from an insert, runs a {@code SELECT} of the given keys after it.
     */
    static void skipExisting(DataSource pool, String table, List<String> columns, String key, int rows,
                             IntFunction<Object> first, IntFunction<Object> second, boolean readBack) throws SQLException {
        Engine engine = Factories.engine(pool);
        String values = "(?, ?)" + ", (?, ?)".repeat(rows - 1);
        String insert = "insert into " + table + " (" + String.join(", ", columns) + ") values " + values;
        String returning = readBack ? " returning *" : "";
        String sql = switch (engine) {
            case POSTGRESQL, SQLITE -> insert + " on conflict (" + key + ") do nothing" + returning;
            case MARIADB -> insert + " on duplicate key update " + columns.get(0) + " = " + columns.get(0) + returning;
            case MYSQL -> insert + " on duplicate key update " + columns.get(0) + " = " + columns.get(0);
            case H2 -> readBack
                    ? "select * from final table (merge into " + table + " (" + String.join(", ", columns) + ") key (" + key + ") values " + values + ")"
                    : "merge into " + table + " (" + String.join(", ", columns) + ") key (" + key + ") values " + values;
        };
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            for (int i = 0; i < rows; i++) {
                ps.setObject(p++, first.apply(i));
                ps.setObject(p++, second.apply(i));
            }
            if (!readBack) {
                expect(ps.executeUpdate() >= rows, "the insert did not insert every row");
            } else if (engine == Engine.MYSQL) {
                ps.executeUpdate();
                // The keys given, as a row-value IN list: (key) in ((?), ...) for one column, (a, b) in ((?, ?), ...) for two.
                boolean pairs = key.contains(",");
                String keys = pairs ? "(?, ?)" : "(?)";
                try (PreparedStatement read = c.prepareStatement("select * from " + table + " where (" + key + ") in (" + keys
                        + (", " + keys).repeat(rows - 1) + ")")) {
                    int q = 1;
                    for (int i = 0; i < rows; i++) {
                        read.setObject(q++, first.apply(i));
                        if (pairs) {
                            read.setObject(q++, second.apply(i));
                        }
                    }
                    expect(readAll(read.executeQuery()) == rows, "the read did not return every row");
                }
            } else {
                ps.execute();
                expect(readAll(ps.getResultSet()) == rows, "the insert did not return every row");
            }
        }
    }

    /**
     * floor-skip-1000 that also reads back the 1,000 rows with their ids, as a get-or-create of many keys must. What
     * the database's own clauses cost for the whole of getOrCreateAll's job, written by hand, and without its
     * guarantees (a key that exists may draw an id or fire a trigger, and nothing tells created rows from found ones).
     */
    static void floorSkipReturningBulk(DataSource pool, Idem idem, long n) throws SQLException {
        skipExisting(pool, "tag", List.of("title", "color"), "title", BULK, i -> bulkTitle(n, i), i -> "red", true);
    }

    /** Reads every column of every row, as a caller of the rows would, and closes the result set; the number of rows. */
    private static int readAll(ResultSet rs) throws SQLException {
        try (rs) {
            int columns = rs.getMetaData().getColumnCount();
            int rows = 0;
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    rs.getObject(i);
                }
                rows++;
            }
            return rows;
        }
    }

    static void idemGetOrCreateAll(DataSource pool, Idem idem, long n) {
        List<Values> rows = new ArrayList<>(BULK);
        for (int i = 0; i < BULK; i++) {
            rows.add(Values.of("title", bulkTitle(n, i), "color", "red"));
        }
        List<Got> got = idem.getOrCreateAll(TAG, rows);
        expect(got.size() == BULK && got.stream().allMatch(Got::created), "getOrCreateAll did not create every new key");
    }

    static void idemSingles(DataSource pool, Idem idem, long n) {
        for (int i = 0; i < BULK; i++) {
            expect(idem.getOrCreate(TAG, Values.of("title", bulkTitle(n, i)), Values.of("color", "red")).created(), "a miss found a row");
        }
    }

    private static String bulkTitle(long n, int i) {
        return "bulk-" + n + "-" + i;
    }

    private static boolean selectByTitle(Connection c, String title) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setString(1, title);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    rs.getObject(i);
                }
                return true;
            }
        }
    }

    /** The prepared insert with the generated id read back, as Django's INSERT ... RETURNING and the floor do. */
    private static void insert(Connection c, String title) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, title);
            ps.setString(2, "red");
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                expect(keys.next(), "no generated key");
                keys.getLong(1);
            }
        }
    }

    private static LabTag findByTitle(Session s, String title) {
        return s.createSelectionQuery("from LabTag where title = :title", LabTag.class).setParameter("title", title).uniqueResult();
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /** The caller's transaction around {@code work}: BEGIN (auto-commit off), the work, COMMIT; a failure rolls back. */
    private static void inTransaction(DataSource pool, Work work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            Jdbc.inTransaction(c, tx -> {
                work.run(tx);
                return null;
            });
        }
    }

    private static <T> T inSession(DataSource pool, Function<Session, T> work) {
        return Factories.of(pool).fromTransaction(work);
    }

    private static void expect(boolean condition, String otherwise) {
        if (!condition) {
            throw new AssertionError(otherwise);
        }
    }

    /** A Hibernate session factory per benchmark pool, built on first use on that very pool, closed with it. */
    static final class Factories {

        private static final Map<DataSource, Engine> ENGINES = new IdentityHashMap<>();
        private static final Map<DataSource, SessionFactory> FACTORIES = new IdentityHashMap<>();

        private Factories() {
        }

        static synchronized void register(DataSource pool, Engine engine) {
            ENGINES.put(pool, engine);
        }

        static synchronized Engine engine(DataSource pool) {
            Engine engine = ENGINES.get(pool);
            if (engine == null) {
                throw new IllegalStateException("no engine registered for this pool");
            }
            return engine;
        }

        static synchronized SessionFactory of(DataSource pool) {
            return FACTORIES.computeIfAbsent(pool, p -> {
                Engine engine = ENGINES.get(p);
                if (engine == null) {
                    throw new IllegalStateException("no engine registered for this pool");
                }
                return HibernateFactories.build(engine, p, false, LabTag.class);
            });
        }

        static synchronized void close(DataSource pool) {
            ENGINES.remove(pool);
            SessionFactory factory = FACTORIES.remove(pool);
            if (factory != null) {
                factory.close();
            }
        }
    }
}
