package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/** {@code idem.increment(player, key, "points", n)}: one atomic statement returning the row, alone or inside {@code idem.inTransaction}. */
public final class IdemIncrementCounter implements Strategy {

    @Override
    public String id() {
        return "idem-increment";
    }

    @Override
    public String description() {
        return "idem.increment(player, id, \"points\", n), alone or inside idem.inTransaction";
    }

    @Override
    public boolean raceFree() {
        return true;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return Counter.idemModes(engine);
    }

    @Override
    public Outcome attempt(Arena arena, int round) {
        if (arena.isolation().transactional()) {
            arena.idem().inTransaction(c -> arena.idem().on(c).increment(Counter.PLAYERS, Counter.KEY, "points", Counter.POINTS));
        } else {
            arena.idem().increment(Counter.PLAYERS, Counter.KEY, "points", Counter.POINTS);
        }
        return Outcome.found(Counter.PLAYER);
    }
}
