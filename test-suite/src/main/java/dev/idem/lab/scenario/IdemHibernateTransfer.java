package dev.idem.lab.scenario;

import dev.idem.hibernate.IdemSession;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.lab.scenario.model.LabAccount;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * {@code IdemSession.lockAll(Account.class, [from, to])} in a Hibernate transaction: both accounts locked
 * in id order, then changed, the flush writing them; an overdraft is refused by rolling back.
 */
public final class IdemHibernateTransfer implements Strategy {

    @Override
    public String id() {
        return "idem-hibernate";
    }

    @Override
    public String description() {
        return "IdemSession.of(session).lockAll(Account.class, [from, to]), change both, commit; refuse an overdraft";
    }

    @Override
    public boolean raceFree() {
        return true;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        return IdemHibernate.isolations(engine);
    }

    @Override
    public Outcome attempt(Arena arena, int round) {
        Transfer.Move move = Transfer.Move.random();
        try {
            IdemHibernate.inTransaction(arena.hibernate(LabAccount.class), session -> {
                List<LabAccount> accounts = IdemSession.of(session).lockAll(LabAccount.class, List.of(move.from(), move.to()));
                LabAccount from = accounts.get(0);
                LabAccount to = accounts.get(1);
                if (from.getBalance() < move.amount()) {
                    throw new Transfer.Refused(move, from.getBalance());
                }
                from.setBalance(from.getBalance() - move.amount());
                to.setBalance(to.getBalance() + move.amount());
                return null;
            });
        } catch (RuntimeException e) {
            if (!Transfer.Refused.by(e)) {
                throw e;
            }
        }
        return Transfer.DONE;
    }
}
