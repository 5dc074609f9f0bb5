package dev.idem.lab.scenario;

import dev.idem.hibernate.GotEntity;
import dev.idem.hibernate.IdemSession;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.lab.scenario.model.LabTag;
import dev.idem.testing.Engine;
import java.util.List;
import java.util.Map;

/** {@code IdemSession.getOrCreate(LabTag.class, ...)} in a Hibernate transaction: the entity-level get-or-create. */
public final class IdemHibernateGetOrCreate implements Strategy {

    @Override
    public String id() {
        return "idem-hibernate";
    }

    @Override
    public String description() {
        return "IdemSession.of(session).getOrCreate(Tag.class, {title}, tag -> tag.setColor(\"red\")) in a Hibernate transaction";
    }

    @Override
    public boolean raceFree() {
        return true;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return IdemHibernate.isolations(engine);
    }

    @Override
    public Outcome attempt(Arena arena, int round) {
        return IdemHibernate.inTransaction(arena.hibernate(LabTag.class), session -> {
            GotEntity<LabTag> got = IdemSession.of(session).getOrCreate(LabTag.class, Map.of("title", GetOrCreate.title(round)),
                    tag -> tag.setColor("red"));
            return new Outcome(got.entity().getId(), got.created());
        });
    }
}
