package dev.idem.lab;

import dev.idem.hibernate.IdemSession;
import dev.idem.lab.model.LabImage;
import dev.idem.lab.model.LabLinkTag;
import dev.idem.testing.Engine;
import java.util.List;

/** {@code IdemSession.addLink(image, "tags", tag)} in a Hibernate transaction: the entity-level many-to-many add. */
final class IdemHibernateAddLink implements Strategy {

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
