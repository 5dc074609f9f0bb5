package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * The thread's other answer: the naive transfer in a SERIALIZABLE transaction, with no retry loop. Nothing
 * is lost, but the database fails the transactions it cannot order (PostgreSQL 40001, InnoDB deadlocks
 * between the shared locks its SERIALIZABLE reads take, H2's concurrent update), and the caller gets the
 * error. SQLite's transactions are serializable as they are: a DEFERRED one answers SQLITE_BUSY.
 */
public final class SerializableTransfer implements Strategy {

    @Override
    public String id() {
        return "serializable-no-retry";
    }

    @Override
    public String description() {
        return "the naive transfer in a SERIALIZABLE transaction (SQLite: DEFERRED), no retry loop";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return List.of(engine == Engine.SQLITE ? Isolation.DEFERRED : Isolation.SERIALIZABLE);
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        return new NaiveTransfer().attempt(arena, round);
    }
}
