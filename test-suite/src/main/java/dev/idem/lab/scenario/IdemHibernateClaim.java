package dev.idem.lab.scenario;

import dev.idem.hibernate.ClaimedEntity;
import dev.idem.hibernate.IdemSession;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.QueueStrategy;
import dev.idem.lab.scenario.model.LabTask;
import dev.idem.testing.Engine;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code IdemSession.claim(Task.class, tasks, worker, 1, lease)} in one Hibernate transaction, then
 * {@code finish(claimed, {status: done})} in another, as a JPA worker would claim, then handle the row.
 */
public final class IdemHibernateClaim implements QueueStrategy {

    private final Duration lease;

    public IdemHibernateClaim(Duration lease) {
        this.lease = lease;
    }

    @Override
    public String id() {
        return "idem-hibernate";
    }

    @Override
    public String description() {
        return "IdemSession.of(session).claim(Task.class, tasks, worker, 1, " + lease.toSeconds() + " s) in a Hibernate transaction;"
                + " finish(claimed, {status: done}) in the next";
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
    public Delivery next(Arena arena, String worker) {
        List<ClaimedEntity<LabTask>> claimed = IdemHibernate.inTransaction(arena.hibernate(LabTask.class),
                session -> IdemSession.of(session).claim(LabTask.class, ClaimNext.TASKS, worker, 1, lease));
        return claimed.isEmpty() ? null : new Delivery(claimed.get(0).entity().getId(), claimed.get(0));
    }

    @Override
    public boolean finish(Arena arena, Delivery delivery) {
        return IdemHibernate.inTransaction(arena.hibernate(LabTask.class),
                session -> IdemSession.of(session).finish((ClaimedEntity<?>) delivery.handle(), Map.of("status", "done")));
    }
}
