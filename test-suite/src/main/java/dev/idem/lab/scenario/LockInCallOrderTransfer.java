package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * The thread's first answer: {@code SELECT ... FOR UPDATE} on the source, then on the destination, in one
 * transaction. Nothing is lost, but a transfer A to B and one B to A each hold one lock and wait for the
 * other's: the database breaks the deadlock by failing one, and nobody retries it. SQLite has no row locks:
 * there the transaction begins IMMEDIATE and the transfers queue.
 */
public final class LockInCallOrderTransfer implements Strategy {

    @Override
    public String id() {
        return "lock-in-call-order";
    }

    @Override
    public String description() {
        return "in a transaction: select from for update, then to for update (SQLite: BEGIN IMMEDIATE); refuse an overdraft; update both";
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
                ? "BEGIN IMMEDIATE takes SQLite's write lock first, so the transfers ran one after another: no deadlock can form"
                : null;
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        Transfer.Move move = Transfer.Move.random();
        boolean rowLocks = arena.engine() != Engine.SQLITE;
        return arena.run(c -> {
            long from = Transfer.balance(c, move.from(), rowLocks);
            arena.think();
            long to = Transfer.balance(c, move.to(), rowLocks);
            if (from < move.amount()) {
                return Transfer.DONE;
            }
            Transfer.setBalance(c, move.from(), from - move.amount());
            Transfer.setBalance(c, move.to(), to + move.amount());
            return Transfer.DONE;
        });
    }
}
