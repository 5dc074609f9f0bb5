package dev.idem.lab.scenario;

import dev.idem.Row;
import dev.idem.Values;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;
import java.util.function.Function;

/** {@code idem.update(player, key, row -> points + calculatePoints(row))}, alone or inside {@code idem.inTransaction}. */
public final class IdemUpdateCounter implements Strategy {

    private static final Function<Row, Values> ADD_POINTS = row -> Values.of("points", row.getLong("points") + Counter.POINTS);

    @Override
    public String id() {
        return "idem-update";
    }

    @Override
    public String description() {
        return "idem.update(player, id, row -> points + calculatePoints(row)), alone or inside idem.inTransaction";
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
            arena.idem().inTransaction(c -> arena.idem().on(c).update(Counter.PLAYERS, Counter.KEY, ADD_POINTS));
        } else {
            arena.idem().update(Counter.PLAYERS, Counter.KEY, ADD_POINTS);
        }
        return Outcome.found(Counter.PLAYER);
    }
}
