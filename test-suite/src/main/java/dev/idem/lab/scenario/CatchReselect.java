package dev.idem.lab.scenario;

import dev.idem.lab.ErrorClass;
import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Django's get_or_create since 1.x: select; on a miss insert under a savepoint; on a duplicate-key
 * error roll back to the savepoint and select again. Correct under READ COMMITTED; under REPEATABLE
 * READ the second select reads the transaction's old snapshot and finds nothing, and the caller gets
 * the error after all ({@link InvisibleRowException}).
 */
public final class CatchReselect implements Strategy {

    @Override
    public String id() {
        return "catch-reselect";
    }

    @Override
    public String description() {
        return "select; insert under a savepoint; on a duplicate-key error select again";
    }

    @Override
    public boolean raceFree() {
        return false;
    }

    @Override
    public List<Isolation> isolations(Engine engine) {
        List<Isolation> isolations = new ArrayList<>();
        if (engine == Engine.SQLITE) {
            isolations.add(Isolation.AUTOCOMMIT);
            isolations.add(Isolation.DEFERRED);
            return isolations;
        }
        isolations.add(Isolation.READ_COMMITTED);
        if (engine != Engine.H2) {
            isolations.add(Isolation.REPEATABLE_READ);
        }
        return isolations;
    }

    @Override
    public String whyClean(Engine engine, Isolation isolation) {
        return isolation == Isolation.REPEATABLE_READ ? null
                : "the workaround holds here: the re-select runs after the other caller committed and sees its row";
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        String title = GetOrCreate.title(round);
        return arena.run(c -> {
            Long id = GetOrCreate.find(c, title);
            if (id != null) {
                return Outcome.found(id);
            }
            arena.think();
            Savepoint savepoint = c.getAutoCommit() ? null : c.setSavepoint();
            try {
                long created = GetOrCreate.insert(c, title);
                if (savepoint != null) {
                    c.releaseSavepoint(savepoint);
                }
                return Outcome.created(created);
            } catch (SQLException e) {
                if (savepoint != null) {
                    c.rollback(savepoint);
                }
                if (arena.classify(e) != ErrorClass.UNIQUE_VIOLATION) {
                    throw e;
                }
                Long existing = GetOrCreate.find(c, title);
                if (existing == null) {
                    throw new InvisibleRowException(e);
                }
                return Outcome.found(existing);
            }
        });
    }
}
