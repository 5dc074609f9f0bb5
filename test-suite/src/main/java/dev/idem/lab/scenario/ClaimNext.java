package dev.idem.lab.scenario;

import dev.idem.Queue;
import dev.idem.Values;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Backlog;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Claim the next unhandled row (seed 000): workers drain a backlog of tasks, each asking for the next row
 * whose status is {@code new}; no row may be handled twice, and none may be left behind. In the variant
 * {@code claim-next-dying}, some workers die holding a row: only a lease brings it back.
 */
public final class ClaimNext implements Backlog {

    /** The task table as Idem's claim sees it: waiting while its status is {@code new}, in id order. */
    public static final Queue TASKS = Queue.named("task").key("id").eligible(Values.of("status", "new")).orderBy("id")
            .claimColumns("claimed_by", "claimed_until", "claim_token");

    private final boolean dying;

    public ClaimNext(boolean dying) {
        this.dying = dying;
    }

    @Override
    public String id() {
        return dying ? "claim-next-dying" : "claim-next";
    }

    @Override
    public String title() {
        return dying ? "claim-next-dying: as claim-next, and the first worker of every 20th row dies holding it"
                : "claim-next: N workers drain a backlog, each asking for the next unhandled row";
    }

    @Override
    public boolean workersDie() {
        return dying;
    }

    @Override
    public List<Strategy> strategies() {
        // A lease short enough that a dead worker's row comes back within the run, long enough that no live worker loses it.
        Duration lease = dying ? Duration.ofSeconds(1) : Duration.ofSeconds(30);
        return List.of(new NaiveClaim(), new FilteredUpdateClaim(), new ForUpdateClaim(), new IdemClaim(lease), new IdemHibernateClaim(lease));
    }

    /**
     * The task table with its claim columns, the index that serves the claim's read (status, then id) and
     * {@code rows} waiting tasks numbered 1 to {@code rows}.
     */
    @Override
    public void setUp(TestDatabase db, Strategy strategy, int rows) throws SQLException {
        String lease = switch (db.engine()) {
            case POSTGRESQL -> "timestamptz";
            case MARIADB, MYSQL -> "datetime(6)";
            case H2 -> "timestamp with time zone";
            case SQLITE -> "text";
        };
        db.execute("create table task (id " + (db.engine() == Engine.SQLITE ? "integer" : "bigint") + " primary key, payload varchar(100),"
                        + " status varchar(20) not null, claimed_by varchar(100), claimed_until " + lease + ", claim_token varchar(32))",
                "create index task_claim on task (status, id)");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("insert into task (id, payload, status) values (?, ?, 'new')")) {
            c.setAutoCommit(false);
            for (int id = 1; id <= rows; id++) {
                ps.setLong(1, id);
                ps.setString(2, "job " + id);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    @Override
    public Tally tally(Connection connection, int rows) throws SQLException {
        return new Tally(0, 0, rows - finished(connection));
    }

    @Override
    public long waiting(Connection connection) throws SQLException {
        return count(connection, "select count(*) from task where status = 'new'");
    }

    @Override
    public long finished(Connection connection) throws SQLException {
        return count(connection, "select count(*) from task where status = 'done'");
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first waiting row's id, or null: what every naive worker asks first. */
    public static Long first(Connection c, String suffix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select id from task where status = 'new' order by id limit 1" + suffix);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    /** Marks a row taken by {@code worker}, only while it is still waiting when {@code filtered}; the rows changed. */
    public static int take(Connection c, long id, String worker, boolean filtered) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update task set status = 'taken', claimed_by = ? where id = ?"
                + (filtered ? " and status = 'new'" : ""))) {
            ps.setString(1, worker);
            ps.setLong(2, id);
            return ps.executeUpdate();
        }
    }

    /** Marks a row done, in auto-commit mode: how the strategies without a lease finish. */
    public static boolean done(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update task set status = 'done' where id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Auto-commit and a plain transaction at the database's default level: the two ways naive code runs. */
    static List<Isolation> plain(Engine engine) {
        return GetOrCreate.plain(engine);
    }
}
