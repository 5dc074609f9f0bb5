package dev.idem.lab.scenario;

import dev.idem.Row;
import dev.idem.Values;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.util.List;
import java.util.function.Function;

/**
 * {@code idem.updateAll(account, [from, to], change)}: both rows locked in key order whatever the transfer's
 * direction, the change refusing an overdraft by throwing (nothing written), the whole unit retried on a
 * deadlock or serialization failure; alone or inside {@code idem.inTransaction}.
 */
public final class IdemTransfer implements Strategy {

    @Override
    public String id() {
        return "idem";
    }

    @Override
    public String description() {
        return "idem.updateAll(account, [from, to], change) whose change refuses an overdraft, alone or inside idem.inTransaction";
    }

    @Override
    public boolean raceFree() {
        return true;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return Counter.idemModes(engine);
    }

    @Override
    public Outcome attempt(Arena arena, int round) {
        Transfer.Move move = Transfer.Move.random();
        List<Values> keys = List.of(Values.of("id", move.from()), Values.of("id", move.to()));
        Function<List<Row>, List<Values>> change = rows -> {
            long from = rows.get(0).getLong("balance");
            if (from < move.amount()) {
                throw new Transfer.Refused(move, from);
            }
            return List.of(Values.of("balance", from - move.amount()), Values.of("balance", rows.get(1).getLong("balance") + move.amount()));
        };
        try {
            if (arena.isolation().transactional()) {
                arena.idem().inTransaction(c -> arena.idem().on(c).updateAll(Transfer.ACCOUNT, keys, change));
            } else {
                arena.idem().updateAll(Transfer.ACCOUNT, keys, change);
            }
        } catch (RuntimeException e) {
            if (!Transfer.Refused.by(e)) {
                throw e;
            }
        }
        return Transfer.DONE;
    }
}
