package dev.idem.lab.race;

/**
 * One way of asking for the next unhandled row of a {@link Backlog}: the naive read-then-mark users write,
 * the workarounds they are told to use, or Idem's claim. A worker asks {@link #next}, handles the row,
 * then calls {@link #finish}; a worker that dies in between never calls it.
 */
public interface QueueStrategy extends Strategy {

    /** A row handed to a worker, with whatever the strategy needs to finish it (Idem's claim, say). */
    record Delivery(long id, Object handle) {
    }

    /**
     * Hands the next unhandled row to {@code worker}; null when there is none to hand out now (the rows
     * left, if any, are held by other workers).
     */
    Delivery next(Arena arena, String worker) throws Exception;

    /** Marks the row done; false when the strategy refused (Idem: the lease had lapsed), with nothing written. */
    boolean finish(Arena arena, Delivery delivery) throws Exception;

    /** Backlog strategies are not raced in rounds: {@link Drain} calls {@link #next} and {@link #finish}. */
    @Override
    default Outcome attempt(Arena arena, int round) {
        throw new UnsupportedOperationException(id() + " drains a backlog; it has no rounds");
    }
}
