package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/** {@code image.tags.add(tag)}: select the link, insert it when absent. The losers hit the primary key. */
public final class NaiveAddLink implements Strategy {

    @Override
    public String id() {
        return "naive";
    }

    @Override
    public String description() {
        return "select the link, insert it if absent";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return GetOrCreate.plain(engine);
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        return arena.run(c -> AddLink.selectThenInsert(arena, c, round));
    }
}
