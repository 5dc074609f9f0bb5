package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.QueueStrategy;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * Select the first unhandled row, then mark it taken: what a worker written against an ORM does. Workers
 * that read before any of them marked the row all get it.
 */
public final class NaiveClaim implements QueueStrategy {

    @Override
    public String id() {
        return "naive";
    }

    @Override
    public String description() {
        return "select the first row whose status is new, then mark it taken; done when handled";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return ClaimNext.plain(engine);
    }

    @Override
    public Delivery next(Arena arena, String worker) throws Exception {
        return arena.run(c -> {
            Long id = ClaimNext.first(c, "");
            if (id == null) {
                return null;
            }
            arena.think();
            ClaimNext.take(c, id, worker, false);
            return new Delivery(id, null);
        });
    }

    @Override
    public boolean finish(Arena arena, Delivery delivery) throws Exception {
        return arena.run(c -> ClaimNext.done(c, delivery.id()));
    }
}
