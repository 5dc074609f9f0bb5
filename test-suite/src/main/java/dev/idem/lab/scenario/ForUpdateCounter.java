package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The thread's workaround: {@code SELECT ... FOR UPDATE}, add in Java, {@code UPDATE}, in one transaction,
 * with no retry. SQLite has no row locks: there the transaction begins IMMEDIATE. Under PostgreSQL's
 * REPEATABLE READ the locking read of a row changed since the snapshot fails with 40001.
 */
public final class ForUpdateCounter implements Strategy {

    @Override
    public String id() {
        return "for-update";
    }

    @Override
    public String description() {
        return "in a transaction: select points for update (SQLite: BEGIN IMMEDIATE); add in Java; update; no retry";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return engine == Engine.SQLITE ? List.of(Isolation.IMMEDIATE) : Counter.levels(engine);
    }

    @Override
    public String whyClean(Engine engine, Isolation isolation) {
        return engine == Engine.SQLITE
                ? "BEGIN IMMEDIATE takes SQLite's write lock first, so the callers ran one after another"
                : "the row lock queued the callers; it protects only code that takes the same lock";
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        return arena.run(c -> {
            long points;
            if (arena.engine() == Engine.SQLITE) {
                points = Counter.points(c);
            } else {
                try (PreparedStatement ps = c.prepareStatement("select points from player where id = ? for update")) {
                    ps.setLong(1, Counter.PLAYER);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("player " + Counter.PLAYER + " does not exist");
                        }
                        points = rs.getLong(1);
                    }
                }
            }
            arena.think();
            Counter.save(c, points + Counter.POINTS);
            return Outcome.found(Counter.PLAYER);
        });
    }
}
