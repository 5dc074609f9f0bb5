package dev.idem.lab.scenario;

import dev.idem.lab.Isolation;
import dev.idem.lab.race.Arena;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.Engine;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The thread's workaround: {@code SELECT ... FOR UPDATE} on the image first, so that adders of one
 * image queue up, then as naive. It works only while every writer of the link table takes that lock.
 * SQLite has no row locks: there the equivalent is to begin the transaction IMMEDIATE, which takes the
 * database's write lock up front.
 */
public final class LockParentAddLink implements Strategy {

    @Override
    public String id() {
        return "lock-parent";
    }

    @Override
    public String description() {
        return "SELECT the image FOR UPDATE (SQLite: BEGIN IMMEDIATE), then select the link and insert it if absent";
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
                ? "BEGIN IMMEDIATE takes SQLite's write lock first, so the callers ran one after another"
                : "the row lock on the image queued the callers; it protects only code that takes the same lock";
    }

    @Override
    public Outcome attempt(Arena arena, int round) throws Exception {
        return arena.run(c -> {
            if (arena.engine() != Engine.SQLITE) {
                try (PreparedStatement ps = c.prepareStatement("select id from image where id = ? for update")) {
                    ps.setLong(1, AddLink.id(round));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("image " + AddLink.id(round) + " does not exist");
                        }
                    }
                }
            }
            return AddLink.selectThenInsert(arena, c, round);
        });
    }
}
