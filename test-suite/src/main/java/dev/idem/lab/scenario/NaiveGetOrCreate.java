package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * Select, and insert when nothing was found: what an ORM's get-or-create does when nothing else helps.
 * Without a unique constraint the race leaves duplicate rows; with one, the losers get the error.
 */
public final class NaiveGetOrCreate implements Strategy {

    private final boolean unique;

    public NaiveGetOrCreate(boolean unique) {
        this.unique = unique;
    }

    @Override
    public String id() {
        return unique ? "naive-unique" : "naive";
    }

    @Override
    public String description() {
        return unique ? "select, insert if absent; the title has a unique constraint"
                : "select, insert if absent; no unique constraint on the title";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public boolean uniqueKey() {
        return unique;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return GetOrCreate.plain(engine);
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        String title = GetOrCreate.title(round);
        return arena.run(c -> {
            Long id = GetOrCreate.find(c, title);
            if (id != null) {
                return Outcome.found(id);
            }
            arena.think();
            return Outcome.created(GetOrCreate.insert(c, title));
        });
    }
}
