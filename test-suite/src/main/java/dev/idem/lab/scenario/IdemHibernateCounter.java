package dev.idem.lab.scenario;

import dev.idem.hibernate.IdemSession;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.lab.scenario.model.LabPlayer;
import dev.idem.testing.Engine;
import java.util.List;

/** {@code IdemSession.increment(player, "points", n)} on the managed player, in a Hibernate transaction. */
public final class IdemHibernateCounter implements Strategy {

    @Override
    public String id() {
        return "idem-hibernate";
    }

    @Override
    public String description() {
        return "find(Player), then IdemSession.of(session).increment(player, \"points\", n) in a Hibernate transaction";
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
        return IdemHibernate.inTransaction(arena.hibernate(LabPlayer.class), session -> {
            LabPlayer player = session.find(LabPlayer.class, Counter.PLAYER);
            IdemSession.of(session).increment(player, "points", Counter.POINTS);
            return Outcome.found(Counter.PLAYER);
        });
    }
}
