package dev.idem.lab.scenario;

import dev.idem.Got;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * {@code idem.getOrCreate}: in auto-commit mode on Idem's own connection, and inside a transaction run
 * by {@code idem.inTransaction} (which begins SQLite transactions IMMEDIATE).
 */
public final class IdemGetOrCreate implements Strategy {

    private static final Table TAG = Table.named("tag").key("title").generatedKey("id");

    @Override
    public String id() {
        return "idem";
    }

    @Override
    public String description() {
        return "idem.getOrCreate(tag, title), alone or inside idem.inTransaction";
    }

    @Override
    public boolean raceFree() {
        return true;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return engine == Engine.SQLITE ? List.of(Isolation.AUTOCOMMIT, Isolation.IMMEDIATE) : GetOrCreate.plain(engine);
    }

    @Override
    public Outcome attempt(Arena arena, int round) {
        Values key = Values.of("title", GetOrCreate.title(round));
        Values defaults = Values.of("color", "red");
        Got got = arena.isolation().transactional()
                ? arena.idem().inTransaction(c -> arena.idem().on(c).getOrCreate(TAG, key, defaults))
                : arena.idem().getOrCreate(TAG, key, defaults);
        return new Outcome(got.longId(), got.created());
    }
}
