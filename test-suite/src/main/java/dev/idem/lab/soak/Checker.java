package dev.idem.lab.soak;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.BitSet;

/**
 * The history check: the answers the callers got, against what the database holds at the end. A call whose
 * outcome is unknown (or that failed in a way the lab cannot see through) widens what is allowed: it may
 * have taken effect, or not. Everything else must match exactly.
 */
final class Checker {

    /** How many of each thing the check looked at. */
    record Checked(long tags, long links, long queueRows, long counters, long accounts) {
    }

    private final Space space;
    private final History history;
    private final Violations violations = new Violations();
    private long tags;
    private long queueRows;

    Checker(Space space, History history) {
        this.space = space;
        this.history = history;
    }

    Violations violations() {
        return violations;
    }

    Checked checked() {
        return new Checked(tags, space.links(), queueRows, space.counters(), space.accounts());
    }

    void check(Connection c) throws SQLException {
        tags(c);
        links(c);
        queue(c);
        counters(c);
        accounts(c);
    }

    /** Every key: at most one row, exactly one creator among the answers, every caller the row's id. */
    private void tags(Connection c) throws SQLException {
        int keys = space.keys();
        int[] rows = new int[keys];
        long[] firstId = new long[keys];
        long[] lastId = new long[keys];
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select title, count(*), min(id), max(id) from soak_tag group by title")) {
            while (rs.next()) {
                int key = Integer.parseInt(rs.getString(1).substring(1));
                rows[key] = rs.getInt(2);
                firstId[key] = rs.getLong(3);
                lastId[key] = rs.getLong(4);
                tags++;
            }
        }
        History.Tags h = history.tags;
        for (int key = 0; key < keys; key++) {
            String subject = "tag " + Space.title(key);
            int created = h.created.get(key);
            int answers = h.answers.get(key);
            int uncertain = h.uncertain.get(key);
            long id = h.id.get(key);
            if (rows[key] > 1) {
                violations.add("duplicate-row", subject, rows[key] + " rows, ids " + firstId[key] + " to " + lastId[key]);
            }
            if (created > 1) {
                violations.add("two-creators", subject, created + " callers were told created == true");
            }
            if (h.otherId.get(key) != 0) {
                violations.add("split-id", subject, "callers got ids " + id + " and " + h.otherId.get(key));
            }
            if (rows[key] == 0 && answers > 0) {
                violations.add("missing-row", subject, answers + " callers got id " + id + ", yet no row holds the key");
            } else if (rows[key] == 1 && created == 0 && uncertain == 0) {
                violations.add("no-creator", subject, "the row exists, no caller was told created == true, and no call's outcome is unknown");
            } else if (rows[key] == 1 && answers > 0 && id != firstId[key]) {
                violations.add("wrong-id", subject, "callers got id " + id + ", the row has " + firstId[key]);
            }
        }
    }

    /**
     * Every link at most once; per link, the adds answered true minus the removes answered true is whether the row
     * is there (so {@code added == true} once between removes), give or take the calls whose outcome is unknown.
     */
    private void links(Connection c) throws SQLException {
        int[] rows = new int[space.links()];
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select owner_id, target_id, count(*) from soak_link group by owner_id, target_id")) {
            while (rs.next()) {
                rows[space.link(rs.getInt(1), rs.getInt(2))] = rs.getInt(3);
            }
        }
        History.Links h = history.links;
        for (int owner = 1; owner <= space.owners(); owner++) {
            for (int target = 1; target <= space.targets(); target++) {
                int link = space.link(owner, target);
                String subject = "link " + owner + "-" + target;
                int present = Math.min(rows[link], 1);
                int added = h.added(link);
                int removed = h.removed(link);
                if (rows[link] > 1) {
                    violations.add("duplicate-link", subject, rows[link] + " rows");
                }
                long drift = present - added + removed; // 0 when every add and remove is accounted for
                if (drift < -h.uncertainRemoves(link) || drift > h.uncertainAdds(link)) {
                    violations.add("link-history", subject, "added == true " + added + " times, removed " + removed + " times, "
                            + h.uncertainAdds(link) + " adds and " + h.uncertainRemoves(link) + " removes of unknown outcome; the row is "
                            + (present == 1 ? "there" : "absent"));
                } else if (!space.churns(owner) && present == 0 && h.existed(link) > 0) {
                    violations.add("link-lost", subject, h.existed(link) + " callers were told it existed; it was never removed, and is absent");
                }
            }
        }
    }

    /**
     * Every queue row finished, and by exactly one finish that answered true (or one whose outcome is unknown); the
     * rows archived while the soak ran count with the others, and a row in both tables would show as seen twice.
     */
    private void queue(Connection c) throws SQLException {
        BitSet seen = new BitSet();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, status from soak_task union all select id, status from soak_task_done")) {
            while (rs.next()) {
                long row = rs.getLong(1);
                String status = rs.getString(2);
                if (seen.get((int) row)) {
                    violations.add("archived-twice", "queue row " + row, "both in the queue and in its archive");
                }
                seen.set((int) row);
                queueRows++;
                String subject = "queue row " + row;
                int finishes = history.queue.finishes(row);
                int uncertain = history.queue.uncertainFinishes(row);
                if (!status.equals("done")) {
                    violations.add("unfinished", subject, "status " + status + " after the drain");
                }
                if (finishes > 1) {
                    violations.add("finished-twice", subject, finishes + " finishes answered true");
                } else if (finishes == 0 && uncertain == 0 && status.equals("done")) {
                    violations.add("finished-by-nobody", subject, "done, yet no finish answered true and none is of unknown outcome");
                }
            }
        }
        for (long row = 1; row <= history.queue.highest(); row++) {
            if (!seen.get((int) row) && history.queue.finishes(row) > 0) {
                violations.add("phantom-finish", "queue row " + row, "a finish answered true for a row that does not exist");
            }
        }
    }

    /** Every counter holds the sum of the increments that returned, plus at most those of unknown outcome. */
    private void counters(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, hits from soak_counter")) {
            while (rs.next()) {
                int counter = rs.getInt(1);
                long stored = rs.getLong(2);
                long expected = history.counters.applied.get(counter);
                long uncertain = history.counters.uncertain.get(counter);
                if (stored < expected || stored > expected + uncertain) {
                    violations.add("counter", "counter " + counter, "increments that returned add up to " + expected
                            + (uncertain > 0 ? " (plus up to " + uncertain + " of unknown outcome)" : "") + "; the row holds " + stored);
                }
            }
        }
    }

    /** The money is all there, and each account holds its opening balance and the transfers that returned (give or take unknown ones). */
    private void accounts(Connection c) throws SQLException {
        long total = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, balance from soak_account")) {
            while (rs.next()) {
                int account = rs.getInt(1);
                long balance = rs.getLong(2);
                total += balance;
                long expected = Space.OPENING_BALANCE + history.accounts.net.get(account);
                long drift = balance - expected;
                if (balance < 0) {
                    violations.add("negative-balance", "account " + account, "balance " + balance);
                }
                if (drift < -history.accounts.uncertainOut.get(account) || drift > history.accounts.uncertainIn.get(account)) {
                    violations.add("balance", "account " + account, "transfers that returned leave " + expected + "; the row holds " + balance
                            + " (unknown transfers: up to " + history.accounts.uncertainIn.get(account) + " in, "
                            + history.accounts.uncertainOut.get(account) + " out)");
                }
            }
        }
        long opened = Space.OPENING_BALANCE * space.accounts();
        if (total != opened) {
            violations.add("money", "all accounts", "they opened with " + opened + " and hold " + total);
        }
    }
}
