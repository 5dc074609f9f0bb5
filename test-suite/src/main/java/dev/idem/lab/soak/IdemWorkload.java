package dev.idem.lab.soak;

import dev.idem.Claim;
import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Linked;
import dev.idem.Operations;
import dev.idem.Values;
import dev.idem.lab.ErrorClass;
import dev.idem.testing.Engine;
import dev.idem.testing.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The mix through Idem's public API, in each {@link Mode}: Idem's own transaction, {@code inTransaction}, the caller's. */
final class IdemWorkload implements Workload {

    /** Long enough that no live worker loses a row; short enough that a row whose claim failed comes back for the drain. */
    static final Duration LEASE = Duration.ofSeconds(10);

    private final Idem idem;
    private final DataSource pool;
    private final Engine engine;

    IdemWorkload(DataSource pool, Engine engine) {
        this.pool = pool;
        this.engine = engine;
        this.idem = Idem.create(pool);
    }

    @Override
    public String id() {
        return "idem";
    }

    @Override
    public Answer run(Call call, String worker) throws SQLException {
        return switch (call.mode) {
            case OWN -> call(idem, call, worker);
            case IN_TRANSACTION -> idem.inTransaction(c -> call(idem.on(c), call, worker));
            case CALLER -> inCallerTransaction(call, worker);
        };
    }

    /**
     * As an application runs it in its own transaction: auto-commit off, the call, commit; roll back when anything
     * fails. On SQLite the application's own BEGIN and COMMIT can fail with {@code SQLITE_BUSY} when another
     * connection holds the write lock past the busy timeout, and sqlite-jdbc's {@code commit()} can fail so after
     * the COMMIT took effect, since it begins the next IMMEDIATE transaction before it returns. The caller cannot
     * tell whether its transaction committed: the call's outcome is unknown, and counted so.
     */
    private Answer inCallerTransaction(Call call, String worker) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return Jdbc.inTransaction(c, tx -> call(idem.on(tx), call, worker));
        } catch (SQLException e) {
            if (engine == Engine.SQLITE && ErrorClass.of(e, engine) == ErrorClass.BUSY) {
                throw new CallersOutcomeUnknown("the caller's own BEGIN or COMMIT failed: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static Answer call(Operations ops, Call call, String worker) {
        switch (call.kind) {
            case GET_OR_CREATE -> {
                int key = call.keys[0];
                Got got = ops.getOrCreate(Schema.TAG, Values.of("title", Space.title(key)), Values.of("color", "red"));
                return h -> h.tags.answer(key, got.created(), got.longId());
            }
            case UPDATE_OR_CREATE -> {
                int key = call.keys[0];
                Got got = ops.updateOrCreate(Schema.TAG, Values.of("title", Space.title(key)), Values.of("color", worker));
                return h -> h.tags.answer(key, got.created(), got.longId());
            }
            case GET_OR_CREATE_ALL -> {
                List<Values> rows = new ArrayList<>();
                for (int key : call.keys) {
                    rows.add(Values.of("title", Space.title(key), "color", "blue"));
                }
                List<Got> gots = ops.getOrCreateAll(Schema.TAG, rows);
                int[] keys = call.keys;
                return h -> {
                    for (int i = 0; i < keys.length; i++) {
                        h.tags.answer(keys[i], gots.get(i).created(), gots.get(i).longId());
                    }
                };
            }
            case ADD_LINK -> {
                int owner = call.owner;
                int target = call.targets[0];
                boolean added = ops.addLink(Schema.LINK, (long) owner, (long) target);
                return h -> h.links.add(owner, target, added);
            }
            case ADD_LINKS -> {
                List<Long> targets = new ArrayList<>();
                for (int target : call.targets) {
                    targets.add((long) target);
                }
                int owner = call.owner;
                Linked linked = ops.addLinks(Schema.LINK, (long) owner, targets);
                return h -> {
                    linked.added().forEach(t -> h.links.add(owner, ((Number) t).intValue(), true));
                    linked.existing().forEach(t -> h.links.add(owner, ((Number) t).intValue(), false));
                };
            }
            case REMOVE_LINK -> {
                int owner = call.owner;
                int target = call.targets[0];
                boolean removed = ops.removeLink(Schema.LINK, (long) owner, (long) target);
                return h -> h.links.remove(owner, target, removed);
            }
            case CLAIM_FINISH -> {
                return claimAndFinish(ops, call, worker);
            }
            case INCREMENT -> {
                ops.increment(Schema.COUNTER, Values.of("id", (long) call.counter), "hits", call.amount);
                int counter = call.counter;
                long delta = call.amount;
                return h -> h.counters.added(counter, delta);
            }
            case TRANSFER -> {
                long amount = call.amount;
                ops.updateAll(Schema.ACCOUNT, List.of(Values.of("id", (long) call.from), Values.of("id", (long) call.to)), rows -> {
                    long left = rows.get(0).getLong("balance") - amount;
                    if (left < 0) {
                        throw new Refused();
                    }
                    return List.of(Values.of("balance", left), Values.of("balance", rows.get(1).getLong("balance") + amount));
                });
                int from = call.from;
                int to = call.to;
                return h -> h.accounts.moved(from, to, amount);
            }
        }
        throw new AssertionError(call.kind);
    }

    private static Answer claimAndFinish(Operations ops, Call call, String worker) {
        List<Claim> claims = ops.claim(Schema.TASKS, worker, call.limit, LEASE);
        call.queueEmpty = claims.isEmpty();
        List<Long> finished = new ArrayList<>();
        for (Claim claim : claims) {
            long row = ((Number) claim.key()).longValue();
            call.claimed.add(row);
            if (ops.finish(Schema.TASKS, claim, Values.of("status", "done"))) {
                finished.add(row);
            }
        }
        return h -> finished.forEach(h.queue::finished);
    }

    @Override
    public void drain(History history, long deadlineNanos) throws InterruptedException, SQLException {
        while (System.nanoTime() < deadlineNanos) {
            List<Claim> claims = idem.claim(Schema.TASKS, "drain", 100, LEASE);
            if (claims.isEmpty()) {
                if (Soak.waiting(pool) == 0) {
                    return;
                }
                Thread.sleep(200); // rows whose claim failed come back when their lease lapses
                continue;
            }
            for (Claim claim : claims) {
                if (idem.finish(Schema.TASKS, claim, Values.of("status", "done"))) {
                    history.queue.finished(((Number) claim.key()).longValue());
                }
            }
        }
    }
}
