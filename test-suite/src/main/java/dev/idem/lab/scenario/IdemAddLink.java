package dev.idem.lab.scenario;

import dev.idem.LinkTable;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/** {@code idem.addLink}: one statement that inserts the link unless it exists, alone or inside {@code idem.inTransaction}. */
public final class IdemAddLink implements Strategy {

    private static final LinkTable IMAGE_TAGS = LinkTable.named("image_tags").columns("image_id", "tag_id");

    @Override
    public String id() {
        return "idem";
    }

    @Override
    public String description() {
        return "idem.addLink(image_tags, image, tag), alone or inside idem.inTransaction";
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
        long id = AddLink.id(round);
        boolean added = arena.isolation().transactional()
                ? arena.idem().inTransaction(c -> arena.idem().on(c).addLink(IMAGE_TAGS, id, id))
                : arena.idem().addLink(IMAGE_TAGS, id, id);
        return new Outcome(id, added);
    }
}
