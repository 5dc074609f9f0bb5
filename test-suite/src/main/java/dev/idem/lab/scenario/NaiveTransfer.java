package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;

/** Read both balances, refuse when the source holds too little, write both: {@code transfer_money} as the thread has it. */
public final class NaiveTransfer implements Strategy {

    @Override
    public String id() {
        return "naive";
    }

    @Override
    public String description() {
        return "select both balances; refuse an overdraft; update both to the computed balances";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return Counter.everyMode(engine);
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        Transfer.Move move = Transfer.Move.random();
        return arena.run(c -> {
            long from = Transfer.balance(c, move.from(), false);
            long to = Transfer.balance(c, move.to(), false);
            if (from < move.amount()) {
                return Transfer.DONE;
            }
            arena.think();
            Transfer.setBalance(c, move.from(), from - move.amount());
            Transfer.setBalance(c, move.to(), to + move.amount());
            return Transfer.DONE;
        });
    }
}
