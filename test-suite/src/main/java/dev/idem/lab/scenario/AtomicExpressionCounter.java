package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * {@code update player set points = points + ?}: Django's {@code F('points') + n}. The database adds under
 * the row's write lock, so nothing is lost, but only when the new value is an SQL expression.
 */
public final class AtomicExpressionCounter implements Strategy {

    @Override
    public String id() {
        return "atomic-expression";
    }

    @Override
    public String description() {
        return "update player set points = points + ? (Django's F()): one statement, the database adds";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return Counter.everyMode(engine);
    }

    @Override
    public String whyClean(Engine engine, Isolation isolation) {
        return "one statement: the database adds under the row's write lock; it works while the new value is an SQL expression";
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        return arena.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update player set points = points + ? where id = ?")) {
                ps.setLong(1, Counter.POINTS);
                ps.setLong(2, Counter.PLAYER);
                ps.executeUpdate();
            }
            return Outcome.found(Counter.PLAYER);
        });
    }
}
