package dev.idem.lab.scenario;

import dev.idem.Table;
import dev.idem.Values;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Scenario;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The lost update (seed 002: {@code user.points += calculate_points(user); user.save()}): in every round
 * all workers add {@value #POINTS} point to the one player's {@code points}. Afterwards the row must hold
 * one point per attempt that returned without an error; every point short is an update lost.
 */
public final class Counter implements Scenario {

    /** The one row every worker adds to. */
    static final long PLAYER = 1;
    /** What {@code calculate_points(user)} comes to, per attempt. */
    static final long POINTS = 1;
    static final Table PLAYERS = Table.named("player").key("id");
    static final Values KEY = Values.of("id", PLAYER);

    @Override
    public String id() {
        return "counter";
    }

    @Override
    public String title() {
        return "lost update: N callers add to one row's points at once";
    }

    @Override
    public List<Strategy> strategies() {
        return List.of(new NaiveCounter(), new AtomicExpressionCounter(), new ForUpdateCounter(), new IdemUpdateCounter(),
                new IdemIncrementCounter(), new IdemHibernateCounter());
    }

    @Override
    public void setUp(TestDatabase db, Strategy strategy, int rounds) throws SQLException {
        db.execute("create table player (id bigint primary key, points bigint not null)",
                "insert into player (id, points) values (" + PLAYER + ", 0)");
    }

    /** Counters need the number of successful attempts; the race always passes it. */
    @Override
    public Tally tally(Connection connection, int rounds) {
        throw new UnsupportedOperationException("the counter's expected total depends on the attempts that succeeded");
    }

    @Override
    public Tally tally(Connection connection, int rounds, long succeeded) throws SQLException {
        return Tally.of(new Amounts(false, succeeded * POINTS, points(connection), 0));
    }

    static long points(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select points from player where id = ?")) {
            ps.setLong(1, PLAYER);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("player " + PLAYER + " does not exist");
                }
                return rs.getLong(1);
            }
        }
    }

    static void save(Connection c, long points) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update player set points = ? where id = ?")) {
            ps.setLong(1, points);
            ps.setLong(2, PLAYER);
            ps.executeUpdate();
        }
    }

    /**
     * The transactions worth racing an update in on {@code engine}: the default, and REPEATABLE READ and
     * SERIALIZABLE where they differ from it (SQLite: a DEFERRED transaction).
     */
    static List<Isolation> levels(Engine engine) {
        return switch (engine) {
            case SQLITE -> List.of(Isolation.DEFERRED);
            case MYSQL, MARIADB -> List.of(Isolation.REPEATABLE_READ, Isolation.SERIALIZABLE);
            case POSTGRESQL, H2 -> List.of(Isolation.READ_COMMITTED, Isolation.REPEATABLE_READ, Isolation.SERIALIZABLE);
        };
    }

    /** Auto-commit, then {@link #levels}. */
    static List<Isolation> everyMode(Engine engine) {
        List<Isolation> modes = new ArrayList<>();
        modes.add(Isolation.AUTOCOMMIT);
        modes.addAll(levels(engine));
        return List.copyOf(modes);
    }

    /** For Idem: auto-commit and {@link #levels}, with SQLite's transaction IMMEDIATE, as Idem's own are. */
    static List<Isolation> idemModes(Engine engine) {
        return engine == Engine.SQLITE ? List.of(Isolation.AUTOCOMMIT, Isolation.IMMEDIATE) : everyMode(engine);
    }
}
