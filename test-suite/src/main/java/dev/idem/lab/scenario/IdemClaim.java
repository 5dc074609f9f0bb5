package dev.idem.lab.scenario;

import dev.idem.Claim;
import dev.idem.Values;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.QueueStrategy;
import dev.idem.testing.Engine;
import java.time.Duration;
import java.util.List;

/** {@code idem.claim(tasks, worker, 1, lease)}, then {@code idem.finish(tasks, claim, {status: done})}. */
public final class IdemClaim implements QueueStrategy {

    private final Duration lease;

    public IdemClaim(Duration lease) {
        this.lease = lease;
    }

    @Override
    public String id() {
        return "idem";
    }

    @Override
    public String description() {
        return "idem.claim(tasks, worker, 1, " + lease.toSeconds() + " s), then idem.finish(tasks, claim, {status: done})";
    }

    @Override
    public boolean raceFree() {
        return true;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return List.of(Isolation.AUTOCOMMIT);
    }

    @Override
    public Delivery next(Arena arena, String worker) {
        List<Claim> claims = arena.idem().claim(ClaimNext.TASKS, worker, 1, lease);
        return claims.isEmpty() ? null : new Delivery(((Number) claims.get(0).key()).longValue(), claims.get(0));
    }

    @Override
    public boolean finish(Arena arena, Delivery delivery) {
        return arena.idem().finish(ClaimNext.TASKS, (Claim) delivery.handle(), Values.of("status", "done"));
    }
}
