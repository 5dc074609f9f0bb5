package dev.idem.lab.soak;

import java.util.SplittableRandom;

/** How a call runs: in a transaction of Idem's own, or inside the caller's. */
enum Mode {
    /** {@code idem.getOrCreate(...)}: Idem borrows a connection and owns the transaction (and its retries). */
    OWN,
    /** {@code idem.inTransaction(c -> idem.on(c).getOrCreate(...))}: Idem's helper runs the unit of work again when told to. */
    IN_TRANSACTION,
    /** A connection the caller takes from the pool with auto-commit off, {@code idem.on(c)}, then the caller's commit. */
    CALLER;

    /** Half of the calls in Idem's own transaction, a quarter in each kind of caller's transaction. */
    static Mode pick(SplittableRandom random) {
        int n = random.nextInt(4);
        return n < 2 ? OWN : n == 2 ? IN_TRANSACTION : CALLER;
    }
}
