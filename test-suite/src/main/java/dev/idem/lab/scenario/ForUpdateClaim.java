package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.QueueStrategy;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * {@code SELECT ... FOR UPDATE} of the first unhandled row, without {@code SKIP LOCKED}, then mark it, in
 * one transaction: correct, but every worker queues behind the lock of the same first row. SQLite has no
 * row locks: there the transaction begins IMMEDIATE, which takes the database's write lock first.
 */
public final class ForUpdateClaim implements QueueStrategy {

    @Override
    public String id() {
        return "for-update";
    }

    @Override
    public String description() {
        return "in a transaction: SELECT the first row whose status is new FOR UPDATE (no SKIP LOCKED), mark it taken; commit";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return List.of(engine == Engine.SQLITE ? Isolation.IMMEDIATE : Isolation.defaultTransaction(engine));
    }

    @Override
    public String whyClean(Engine engine, Isolation isolation) {
        return engine == Engine.SQLITE
                ? "correct by design: BEGIN IMMEDIATE takes SQLite's write lock first, so the workers claim one after another"
                : "correct by design: the workers queue behind the first row's lock, and claim one after another";
    }

    @Override
    public Delivery next(Arena arena, String worker) throws Exception {
        String lock = arena.engine() == Engine.SQLITE ? "" : " for update";
        return arena.run(c -> {
            Long id = ClaimNext.first(c, lock);
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
