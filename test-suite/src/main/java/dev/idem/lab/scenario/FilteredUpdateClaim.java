package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.QueueStrategy;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * The seed's answer: pick the first unhandled row, then {@code UPDATE ... WHERE id = ? AND status = 'new'},
 * and start over when it changed no row. Correct, since only one update can move the row out of
 * {@code new}; but every worker picks the same first row, so all but one lose and try again.
 */
public final class FilteredUpdateClaim implements QueueStrategy {

    /** A worker that lost this many times in a row gives up with an error. */
    private static final int MAX_TRIES = 10_000;

    @Override
    public String id() {
        return "filtered-update";
    }

    @Override
    public String description() {
        return "select the first row whose status is new; UPDATE ... WHERE id = ? AND status = 'new'; again when no row changed";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    /**
     * Auto-commit only: inside one transaction the retry would read the same snapshot again (MySQL's and
     * MariaDB's REPEATABLE READ) and never see that the row was taken.
     */
    @Override
    public List<Isolation> isolations(Engine engine) {
        return List.of(Isolation.AUTOCOMMIT);
    }

    @Override
    public String whyClean(Engine engine, Isolation isolation) {
        return "correct by design: the update's status = 'new' filter lets one worker take each row, and the others pick again";
    }

    @Override
    public Delivery next(Arena arena, String worker) throws Exception {
        return arena.run(c -> {
            for (int i = 0; i < MAX_TRIES; i++) {
                Long id = ClaimNext.first(c, "");
                if (id == null) {
                    return null;
                }
                arena.think();
                if (ClaimNext.take(c, id, worker, true) == 1) {
                    return new Delivery(id, null);
                }
            }
            throw new IllegalStateException(worker + " lost the first row " + MAX_TRIES + " times in a row");
        });
    }

    @Override
    public boolean finish(Arena arena, Delivery delivery) throws Exception {
        return arena.run(c -> ClaimNext.done(c, delivery.id()));
    }
}
