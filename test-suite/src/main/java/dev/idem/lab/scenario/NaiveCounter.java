package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/** Read the points, add in Java, save: {@code user.points += calculate_points(user); user.save()}. */
public final class NaiveCounter implements Strategy {

    @Override
    public String id() {
        return "naive";
    }

    @Override
    public String description() {
        return "select points; add in Java; update set points = the sum";
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
    public Outcome attempt(Arena arena, int round) throws Exception {
        return arena.run(c -> {
            long points = Counter.points(c);
            arena.think();
            Counter.save(c, points + Counter.POINTS);
            return Outcome.found(Counter.PLAYER);
        });
    }
}
