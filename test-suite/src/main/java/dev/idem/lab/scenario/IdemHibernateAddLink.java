package dev.idem.lab.scenario;

import dev.idem.hibernate.IdemSession;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.lab.scenario.model.LabImage;
import dev.idem.lab.scenario.model.LabLinkTag;
import dev.idem.testing.Engine;
import java.util.List;

/** {@code IdemSession.addLink(image, "tags", tag)} in a Hibernate transaction: the entity-level many-to-many add. */
public final class IdemHibernateAddLink implements Strategy {

    @Override
    public String id() {
        return "idem-hibernate";
    }

    @Override
    public String description() {
        return "IdemSession.of(session).addLink(image, \"tags\", tag) in a Hibernate transaction";
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
        long id = AddLink.id(round);
        return IdemHibernate.inTransaction(arena.hibernate(LabImage.class, LabLinkTag.class), session -> {
            LabImage image = session.find(LabImage.class, id);
            boolean added = IdemSession.of(session).addLink(image, "tags", session.getReference(LabLinkTag.class, id));
            return new Outcome(id, added);
        });
    }
}
