package dev.idem.lab.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.LinkTable;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.lab.scenario.GetOrCreate;
import dev.idem.lab.scenario.IdemGetOrCreate;
import dev.idem.testing.JdbcSpy;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import javax.sql.DataSource;

/**
 * How fast Idem is, as a ratio to the raw JDBC statement it stands for, measured on the same database,
 * the same pool and in the same run (DESIGN.md, "Budgets"). Each Idem operation has a floor: the plain
 * prepared statement a hand-written, race-prone version would run. Both borrow a connection from the
 * same pool per call, as {@code Idem.create(dataSource)} does, so the ratio is Idem's own cost: its
 * extra statements, its bookkeeping and the JDBC calls it makes to stay correct.
 *
 * <p>Operations are measured in groups (a floor and the Idem operations compared with it). Each group is
 * timed in {@value #SLICES} slices that alternate between its members (A B B A ...), after all operations
 * have been warmed up, so that a drift of the machine or the database (compilation, a checkpoint, a noisy
 * neighbour, a growing table) falls on both sides of a ratio instead of on one. Statements per call are counted in a separate, untimed pass through
 * {@link JdbcSpy}, whose proxies would otherwise slow down what is timed.
 */
public final class Benchmark {

    /** Existing tags and existing links to hit. */
    static final int KEYS = 1000;
    /** Links per addLinks call, and per raw multi-row insert. */
    static final int PAIRS = 50;
    private static final int SLICES = 4;
    private static final int COUNTED_CALLS = 10;

    private static final Table TAG = Table.named("tag").key("title").generatedKey("id");
    private static final LinkTable IMAGE_TAGS = LinkTable.named("image_tags").columns("image_id", "tag_id");
    private static final List<Long> TARGETS = LongStream.rangeClosed(1, PAIRS).boxed().toList();

    /**
     * One call of an operation: {@code pool} to borrow a connection from, an Idem on that pool, and a
     * number no other call of the run gets, from which the call makes its fresh key or picks an existing one.
     */
    interface Operation {
        void call(DataSource pool, Idem idem, long n) throws Exception;
    }

    /**
     * An operation the benchmark times.
     *
     * @param floor the id of the raw operation it is compared with; null for a floor itself
     * @param jobs work-queue jobs one call handles (claimed and finished); 0 for the other operations
     */
    record Measured(String id, String floor, String description, Operation operation, int jobs) {

        /** An operation that is not a work-queue job. */
        Measured(String id, String floor, String description, Operation operation) {
            this(id, floor, description, operation, 0);
        }

        /** Calls per second of {@code t} per job where this operation handles jobs: the rate its ratio compares. */
        double rate(Timing t) {
            return t.perSecond() * Math.max(1, jobs);
        }
    }

    /** The groups, each timed in alternating slices; a floor comes before the Idem operations compared with it. */
    static final List<List<Measured>> GROUPS = List.of(
            List.of(new Measured("floor-select", null, "prepared select * from tag where title = ? of an existing key; reads every column",
                            Benchmark::floorSelect),
                    new Measured("idem-hit", "floor-select", "idem.getOrCreate(tag, existing title)", (pool, idem, n) -> {
                        expect(!idem.getOrCreate(TAG, Values.of("title", existing(n))).created(), "a hit created a row");
                    })),
            List.of(new Measured("floor-insert", null, "prepared insert into tag of a new title, generated id read back", Benchmark::floorInsert),
                    new Measured("idem-miss", "floor-insert", "idem.getOrCreate(tag, new title, color): select, then insert", (pool, idem, n) -> {
                        Got got = idem.getOrCreate(TAG, Values.of("title", fresh(n)), Values.of("color", "red"));
                        expect(got.created(), "a miss found a row");
                    }),
                    new Measured("django-miss", "floor-insert", "Django's get_or_create by hand: select; then begin, insert, commit",
                            Patterns::djangoMiss)),
            List.of(new Measured("floor-link", null, "prepared insert into image_tags of a new pair", Benchmark::floorLink),
                    new Measured("idem-link-new", "floor-link", "idem.addLink(image_tags, new pair)", (pool, idem, n) -> {
                        expect(idem.addLink(IMAGE_TAGS, n, 1L), "a new link existed");
                    }),
                    new Measured("idem-link-existing", "floor-link", "idem.addLink(image_tags, existing pair): writes nothing", (pool, idem, n) -> {
                        expect(!idem.addLink(IMAGE_TAGS, 0L, 1 + n % KEYS), "an existing link was added");
                    })),
            List.of(new Measured("floor-links-" + PAIRS, null, "one prepared multi-row insert of " + PAIRS + " new pairs", Benchmark::floorLinks),
                    new Measured("floor-batch-" + PAIRS, null, "a JDBC batch of " + PAIRS + " single-row inserts in one transaction"
                            + " (executeBatch and commit count as one statement)", Benchmark::floorBatch),
                    new Measured("floor-skip-links-" + PAIRS, "floor-links-" + PAIRS, "the same multi-row insert with the database's own clause"
                            + " that skips existing keys (ON CONFLICT DO NOTHING; MySQL and MariaDB: ON DUPLICATE KEY UPDATE; H2: MERGE), no"
                            + " rows read back: what an idempotent insert costs by hand", (pool, idem, n) -> Patterns.skipExisting(pool,
                            "image_tags", List.of("image_id", "tag_id"), "image_id, tag_id", PAIRS, i -> n, i -> TARGETS.get(i))),
                    new Measured("floor-skip-returning-links-" + PAIRS, "floor-links-" + PAIRS, "the same with the " + PAIRS + " pairs read back"
                            + " (RETURNING *; H2: FINAL TABLE; MySQL: a SELECT of the pairs after it), as addLinks must learn which links"
                            + " were new", (pool, idem, n) -> Patterns.skipExisting(pool, "image_tags", List.of("image_id", "tag_id"),
                            "image_id, tag_id", PAIRS, i -> n, i -> TARGETS.get(i), true)),
                    new Measured("idem-links-" + PAIRS, "floor-links-" + PAIRS, "idem.addLinks(image_tags, owner, " + PAIRS + " new targets)",
                            (pool, idem, n) -> {
                                expect(idem.addLinks(IMAGE_TAGS, n, TARGETS).added().size() == PAIRS, "addLinks did not add every new pair");
                            })),
            // Inside the caller's transaction (each call: auto-commit off, the work, commit), and Hibernate's own.
            List.of(new Measured("floor-insert-tx", null, "begin; the prepared insert of floor-insert; commit", Patterns::floorInsertInTransaction),
                    new Measured("idem-miss-tx", "floor-insert-tx", "begin; idem.on(connection).getOrCreate(tag, new title, color); commit",
                            Patterns::idemMissInTransaction),
                    new Measured("django-miss-tx", "floor-insert-tx", "begin; Django's get_or_create inside atomic(): select, savepoint,"
                            + " insert, release; commit", Patterns::djangoMissInTransaction),
                    new Measured("hibernate-naive-miss", "floor-insert-tx", "a Hibernate session and transaction: query by title, persist,"
                            + " flush, commit", Patterns::hibernateNaiveMiss),
                    new Measured("idem-hibernate-miss", "floor-insert-tx", "a Hibernate session and transaction:"
                            + " IdemSession.getOrCreate(LabTag.class, new title), commit", Patterns::idemHibernateMiss)),
            List.of(new Measured("floor-select-tx", null, "begin; the prepared select of floor-select; commit", Patterns::floorSelectInTransaction),
                    new Measured("hibernate-naive-hit", "floor-select-tx", "a Hibernate session and transaction: query by title, commit",
                            Patterns::hibernateNaiveHit),
                    new Measured("idem-hibernate-hit", "floor-select-tx", "a Hibernate session and transaction:"
                            + " IdemSession.getOrCreate(LabTag.class, existing title), commit", Patterns::idemHibernateHit)),
            // Bulk: the same 1,000 new rows three ways.
            List.of(new Measured("floor-insert-" + Patterns.BULK, null, "one prepared multi-row insert into tag of " + Patterns.BULK
                            + " new rows, no ids read back", Patterns::floorInsertBulk),
                    new Measured("floor-skip-" + Patterns.BULK, "floor-insert-" + Patterns.BULK, "the same " + Patterns.BULK + " new rows with"
                            + " the database's own clause that skips existing keys, no ids read back", Patterns::floorSkipBulk),
                    new Measured("floor-skip-returning-" + Patterns.BULK, "floor-insert-" + Patterns.BULK, "the same with the "
                            + Patterns.BULK + " rows and their ids read back (RETURNING *; H2: FINAL TABLE; MySQL: a SELECT of the keys"
                            + " after it)", Patterns::floorSkipReturningBulk),
                    new Measured("idem-all-" + Patterns.BULK, "floor-insert-" + Patterns.BULK, "idem.getOrCreateAll(tag, " + Patterns.BULK
                            + " new titles with a color)", Patterns::idemGetOrCreateAll),
                    new Measured("idem-singles-" + Patterns.BULK, "floor-insert-" + Patterns.BULK, Patterns.BULK
                            + " calls of idem.getOrCreate(tag, new title, color)", Patterns::idemSingles)),
            List.of(new Measured("claim-naive", null, "one job: select the first waiting task, mark it taken, then done (hands rows out twice)",
                            ClaimBench::naive, 1),
                    new Measured("claim-filtered-update", "claim-naive", "one job: select the first waiting task, UPDATE ... AND status = 'new'"
                            + " until one changed, then done", ClaimBench::filteredUpdate, 1),
                    new Measured("idem-claim-1", "claim-naive", "one job: idem.claim(tasks, worker, 1, lease), then idem.finish",
                            (pool, idem, n) -> ClaimBench.idem(pool, idem, 1), 1),
                    new Measured("idem-claim-10", "claim-naive", "ten jobs: idem.claim(tasks, worker, 10, lease), then idem.finish of each",
                            (pool, idem, n) -> ClaimBench.idem(pool, idem, 10), 10)),
            UpdateFloors.INCREMENT, UpdateFloors.UPDATE, UpdateFloors.UPDATE_ALL);

    private Benchmark() {
    }

    /**
     * What the benchmark measures and how long.
     *
     * @param durable whether the run asked for durable commits (the servers it starts commit with fsync on,
     *        and a server that does not is skipped); see {@link Durability}
     * @param only operation ids: only the groups holding one of them are measured; empty for every group
     */
    public record Settings(List<Integer> workers, Duration measure, Duration warmUp, boolean durable, List<String> only) {

        public Settings(List<Integer> workers, Duration measure, Duration warmUp) {
            this(workers, measure, warmUp, false, List.of());
        }

        /** The groups this run measures, in report order. */
        List<List<Measured>> groups() {
            return only.isEmpty() ? GROUPS : GROUPS.stream().filter(g -> g.stream().anyMatch(m -> only.contains(m.id()))).toList();
        }
    }

    /** Every operation id, for checking {@code --only}. */
    static List<String> ids() {
        return GROUPS.stream().flatMap(List::stream).map(Measured::id).toList();
    }

    /**
     * Measures every operation on {@code db} with each number of workers; the database gets the tables
     * here. {@code progress} hears a line per group.
     */
    public static List<BenchmarkReport.Row> run(TestDatabase db, Settings settings, Consumer<String> progress) throws Exception {
        setUp(db);
        AtomicLong numbers = new AtomicLong();
        Map<String, Double> statements = statementsPerCall(db, settings.groups(), numbers);
        String version;
        try (Connection c = db.connect()) {
            version = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        }
        List<BenchmarkReport.Row> rows = new ArrayList<>();
        for (int workers : settings.workers()) {
            ExecutorService threads = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "race-lab-benchmark");
                t.setDaemon(true);
                return t;
            });
            // One connection per worker, opened before timing: floor and Idem borrow from this same pool. On SQLite
            // its transactions begin IMMEDIATE, so that a transaction that reads, then writes, waits for the write
            // lock instead of failing with SQLITE_BUSY (Idem's own transactions do this anyway).
            try (HikariDataSource pool = db.newPool(workers, -1, true)) {
                Patterns.Factories.register(pool, db.engine());
                Idem idem = Idem.create(pool);
                String on = db.target().id() + ", " + workers + (workers == 1 ? " worker: " : " workers: ");
                // Every operation is warmed up before any is timed: the code they share (pool, driver) is
                // still being compiled at first, which would slow down whichever operation came first.
                progress.accept(on + "warming up");
                for (List<Measured> group : settings.groups()) {
                    for (Measured m : group) {
                        time(threads, workers, settings.warmUp(), m, pool, idem, numbers);
                    }
                }
                for (List<Measured> group : settings.groups()) {
                    progress.accept(on + group.stream().map(Measured::id).toList());
                    Map<String, Timing> timings = new LinkedHashMap<>();
                    Duration slice = settings.measure().dividedBy(SLICES);
                    for (int s = 0; s < SLICES; s++) {
                        // A B, then B A: a drift that slows down the later slices hits every member alike.
                        List<Measured> order = new ArrayList<>(group);
                        if (s % 2 == 1) {
                            Collections.reverse(order);
                        }
                        for (Measured m : order) {
                            timings.merge(m.id(), time(threads, workers, slice, m, pool, idem, numbers), Timing::plus);
                        }
                    }
                    for (Measured m : group) {
                        Timing t = timings.get(m.id());
                        Measured floor = group.stream().filter(f -> f.id().equals(m.floor())).findFirst().orElse(null);
                        double ratio = floor == null ? Double.NaN : m.rate(t) / floor.rate(timings.get(floor.id()));
                        rows.add(new BenchmarkReport.Row(db.target().id(), version, workers, m.id(), m.floor(), t.calls(), t.seconds(),
                                t.perSecond(), ratio, statements.get(m.id()), t.errors(), t.errorSample(), m.jobs() == 0 ? null : m.rate(t)));
                    }
                }
                Patterns.Factories.close(pool);
            } finally {
                threads.shutdownNow();
            }
        }
        return rows;
    }

    /**
     * A tag table as the get-or-create race has it (generated id, unique title), a link table whose key is
     * the pair, and the accounts the updates change.
     */
    private static void setUp(TestDatabase db) throws SQLException {
        new GetOrCreate().setUp(db, new IdemGetOrCreate(), 0);
        // No foreign keys: both sides would pay the same parent lookups, which would only dilute the ratio.
        db.execute("create table image_tags (image_id bigint not null, tag_id bigint not null, primary key (image_id, tag_id))");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement tags = c.prepareStatement("insert into tag (title, color) values (?, 'red')");
                 PreparedStatement links = c.prepareStatement("insert into image_tags (image_id, tag_id) values (0, ?)")) {
                for (int i = 0; i < KEYS; i++) {
                    tags.setString(1, existing(i));
                    tags.addBatch();
                    links.setLong(1, 1 + i);
                    links.addBatch();
                }
                tags.executeBatch();
                links.executeBatch();
            }
            c.commit();
        }
        ClaimBench.setUp(db);
        UpdateFloors.setUp(db);
    }

    /** Calls each operation a few times through a {@link JdbcSpy} and returns the statements per call. */
    private static Map<String, Double> statementsPerCall(TestDatabase db, List<List<Measured>> groups, AtomicLong numbers) throws Exception {
        Map<String, Double> perCall = new LinkedHashMap<>();
        JdbcSpy spy = new JdbcSpy();
        try (HikariDataSource pool = db.newPool(1, -1, true)) {
            DataSource spied = spy.wrap(pool);
            Patterns.Factories.register(spied, db.engine());
            Idem idem = Idem.create(spied);
            for (List<Measured> group : groups) {
                for (Measured m : group) {
                    m.operation().call(spied, idem, numbers.incrementAndGet()); // Idem reads the catalog once per table
                    spy.reset();
                    for (int i = 0; i < COUNTED_CALLS; i++) {
                        m.operation().call(spied, idem, numbers.incrementAndGet());
                    }
                    perCall.put(m.id(), spy.count() / (double) COUNTED_CALLS);
                }
            }
            Patterns.Factories.close(spied);
        }
        return perCall;
    }

    /** Calls, errors and time of one operation; {@code nanos} is wall time, all workers together. */
    record Timing(long calls, long errors, long nanos, String errorSample) {

        Timing plus(Timing other) {
            return new Timing(calls + other.calls, errors + other.errors, nanos + other.nanos, errorSample != null ? errorSample : other.errorSample);
        }

        double seconds() {
            return nanos / 1e9;
        }

        double perSecond() {
            return nanos == 0 ? 0 : calls / seconds();
        }
    }

    /**
     * Releases {@code workers} threads at once, each calling the operation until {@code length} has
     * passed; the time is until the last call ended. A failed call counts as an error, not as a call.
     */
    private static Timing time(ExecutorService threads, int workers, Duration length, Measured m, DataSource pool, Idem idem,
                               AtomicLong numbers) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        AtomicReference<String> errorSample = new AtomicReference<>();
        List<Future<long[]>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            futures.add(threads.submit(() -> {
                go.await();
                long calls = 0;
                long errors = 0;
                long end;
                do {
                    try {
                        m.operation().call(pool, idem, numbers.incrementAndGet());
                        calls++;
                    } catch (Exception | AssertionError e) {
                        errors++;
                        errorSample.compareAndSet(null, e.toString());
                    }
                    end = System.nanoTime();
                } while (end < deadline[0]);
                return new long[] {calls, errors, end};
            }));
        }
        long start = System.nanoTime();
        deadline[0] = start + length.toNanos(); // published to the workers by the latch
        go.countDown();
        long calls = 0;
        long errors = 0;
        long end = start;
        for (Future<long[]> future : futures) {
            long[] r = future.get();
            calls += r[0];
            errors += r[1];
            end = Math.max(end, r[2]);
        }
        return new Timing(calls, errors, end - start, errorSample.get());
    }

    static String existing(long n) {
        return "key-" + n % KEYS;
    }

    static String fresh(long n) {
        return "new-" + n;
    }

    static void expect(boolean condition, String otherwise) {
        if (!condition) {
            throw new AssertionError(otherwise);
        }
    }

    // The floors: what a hand-written version runs, prepared on a borrowed connection per call as Idem
    // does (the drivers cache prepared statements per connection, for both alike).

    private static void floorSelect(DataSource pool, Idem idem, long n) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("select * from tag where title = ?")) {
            ps.setString(1, existing(n));
            try (ResultSet rs = ps.executeQuery()) {
                expect(rs.next(), "an existing key was not found");
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    rs.getObject(i);
                }
            }
        }
    }

    /** With the generated id read back, since Idem hands it back too; the driver asks for it its own way. */
    private static void floorInsert(DataSource pool, Idem idem, long n) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into tag (title, color) values (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, fresh(n));
            ps.setString(2, "red");
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                expect(keys.next(), "no generated key");
                keys.getLong(1);
            }
        }
    }

    private static void floorLink(DataSource pool, Idem idem, long n) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into image_tags (image_id, tag_id) values (?, ?)")) {
            ps.setLong(1, n);
            ps.setLong(2, 1L);
            ps.executeUpdate();
        }
    }

    private static void floorLinks(DataSource pool, Idem idem, long n) throws SQLException {
        String sql = "insert into image_tags (image_id, tag_id) values (?, ?)" + ", (?, ?)".repeat(PAIRS - 1);
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (long target : TARGETS) {
                ps.setLong(i++, n);
                ps.setLong(i++, target);
            }
            ps.executeUpdate();
        }
    }

    /** In one transaction, so that every row is not a commit of its own (SQLite would sync 50 times). */
    private static void floorBatch(DataSource pool, Idem idem, long n) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into image_tags (image_id, tag_id) values (?, ?)")) {
                for (long target : TARGETS) {
                    ps.setLong(1, n);
                    ps.setLong(2, target);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
