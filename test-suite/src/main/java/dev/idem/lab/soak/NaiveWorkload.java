package dev.idem.lab.soak;

import dev.idem.testing.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The same mix as the naive code of the users' threads writes it, to show that the history check catches
 * what goes wrong: get-or-create and add-link as a select, then an insert when nothing was found (no unique
 * constraint); counters and transfers read, computed and written back; a claim that selects the first
 * waiting row and then marks it. A call in {@link Mode#OWN} runs in auto-commit mode, the others in one
 * transaction at the database's default level, committed at the end. No retries.
 */
final class NaiveWorkload implements Workload {

    private final DataSource pool;

    NaiveWorkload(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public String id() {
        return "naive";
    }

    @Override
    public Answer run(Call call, String worker) throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (call.mode == Mode.OWN) {
                return call(c, call, worker);
            }
            return Jdbc.inTransaction(c, tx -> call(tx, call, worker));
        }
    }

    private static Answer call(Connection c, Call call, String worker) throws SQLException {
        switch (call.kind) {
            case GET_OR_CREATE, GET_OR_CREATE_ALL, UPDATE_OR_CREATE -> {
                boolean update = call.kind == Kind.UPDATE_OR_CREATE;
                int[] keys = call.keys;
                long[] ids = new long[keys.length];
                boolean[] created = new boolean[keys.length];
                for (int i = 0; i < keys.length; i++) {
                    Long found = longOrNull(c, "select id from soak_tag where title = ?", Space.title(keys[i]));
                    if (found == null) {
                        ids[i] = insertTag(c, Space.title(keys[i]));
                        created[i] = true;
                    } else {
                        ids[i] = found;
                        if (update) {
                            update(c, "update soak_tag set color = ? where id = ?", worker, found);
                        }
                    }
                }
                return h -> {
                    for (int i = 0; i < keys.length; i++) {
                        h.tags.answer(keys[i], created[i], ids[i]);
                    }
                };
            }
            case ADD_LINK, ADD_LINKS -> {
                int owner = call.owner;
                int[] targets = call.targets;
                boolean[] added = new boolean[targets.length];
                for (int i = 0; i < targets.length; i++) {
                    Long found = longOrNull(c, "select owner_id from soak_link where owner_id = ? and target_id = ?", owner, targets[i]);
                    if (found == null) {
                        update(c, "insert into soak_link (owner_id, target_id) values (?, ?)", owner, targets[i]);
                        added[i] = true;
                    }
                }
                return h -> {
                    for (int i = 0; i < targets.length; i++) {
                        h.links.add(owner, targets[i], added[i]);
                    }
                };
            }
            case REMOVE_LINK -> {
                int owner = call.owner;
                int target = call.targets[0];
                boolean removed = update(c, "delete from soak_link where owner_id = ? and target_id = ?", owner, target) > 0;
                return h -> h.links.remove(owner, target, removed);
            }
            case CLAIM_FINISH -> {
                List<Long> finished = new ArrayList<>();
                for (int i = 0; i < call.limit; i++) {
                    Long row = longOrNull(c, "select id from soak_task where status = 'new' order by id limit 1");
                    if (row == null) {
                        call.queueEmpty = true;
                        break;
                    }
                    call.claimed.add(row);
                    update(c, "update soak_task set status = 'taken', claimed_by = ? where id = ?", worker, row);
                    update(c, "update soak_task set status = 'done' where id = ?", row);
                    finished.add(row);
                }
                return h -> finished.forEach(h.queue::finished);
            }
            case INCREMENT -> {
                long hits = longOrNull(c, "select hits from soak_counter where id = ?", call.counter);
                update(c, "update soak_counter set hits = ? where id = ?", hits + call.amount, call.counter);
                int counter = call.counter;
                long delta = call.amount;
                return h -> h.counters.added(counter, delta);
            }
            case TRANSFER -> {
                long from = longOrNull(c, "select balance from soak_account where id = ?", call.from);
                long to = longOrNull(c, "select balance from soak_account where id = ?", call.to);
                if (from < call.amount) {
                    throw new Refused();
                }
                update(c, "update soak_account set balance = ? where id = ?", from - call.amount, call.from);
                update(c, "update soak_account set balance = ? where id = ?", to + call.amount, call.to);
                int a = call.from;
                int b = call.to;
                long amount = call.amount;
                return h -> h.accounts.moved(a, b, amount);
            }
        }
        throw new AssertionError(call.kind);
    }

    @Override
    public void drain(History history, long deadlineNanos) throws SQLException {
        while (System.nanoTime() < deadlineNanos) {
            try (Connection c = pool.getConnection()) {
                Long row = longOrNull(c, "select id from soak_task where status = 'new' order by id limit 1");
                if (row == null) {
                    return;
                }
                update(c, "update soak_task set status = 'done' where id = ?", row);
                history.queue.finished(row);
            }
        }
    }

    private static long insertTag(Connection c, String title) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into soak_tag (title, color) values (?, 'red')", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, title);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the driver returned no generated key");
                }
                return keys.getLong(1);
            }
        }
    }

    private static Long longOrNull(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, parameters); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    private static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, parameters)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(i + 1, parameters[i]);
        }
        return ps;
    }
}
