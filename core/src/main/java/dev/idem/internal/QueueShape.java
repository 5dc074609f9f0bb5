package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.Queue;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A queue as found in the catalog, checked once before any row is touched (the key's unique constraint,
 * the claim columns and their types, an index for the claim's read), and the SQL of its claims, built
 * from the dialect's parts and cached.
 */
final class QueueShape {

    /** The fencing token: 128 random bits as 32 hexadecimal digits. */
    static final int TOKEN_LENGTH = 32;

    /**
     * How one database stores and serves a queue, as far as Idem's checks and claims go; each dialect's
     * file declares its database's.
     *
     * @param checksIndex the claim's read depends on an index of the eligible and order columns (not on H2,
     *        whose claim reads along the primary key)
     * @param requiresIndex a queue without such an index is refused, not merely warned about (InnoDB, whose
     *        locking read locks every index record it scans)
     * @param indexesEndWithPrimaryKey every secondary index holds the primary key's columns after its own (InnoDB)
     * @param leaseAsText the lease's end is stored as UTC text, the database having no timestamp type (SQLite)
     * @param timestampIsInstant a column of type {@code timestamp} stores an instant, converted from and to
     *        the session's time zone (MySQL, MariaDB), rather than a wall-clock time
     * @param claimedRowsUnordered the claim statement returns its rows in no particular order, and Idem sorts
     *        them into the queue's order (SQLite's {@code RETURNING})
     * @param indexParts a query naming the parts of every index of the table, primary key included, read instead
     *        of the driver's metadata where that mangles some names; bound with the table's name, then its owner
     *        (its schema, or its database where schemas are catalogs), and answering (table name, index name,
     *        column name) in each index's order, the column NULL for a part that is no whole column (an
     *        expression); or null
     */
    record Rules(boolean checksIndex, boolean requiresIndex, boolean indexesEndWithPrimaryKey, boolean leaseAsText, boolean timestampIsInstant,
            boolean claimedRowsUnordered, String indexParts) {

        Rules(boolean checksIndex, boolean requiresIndex, boolean indexesEndWithPrimaryKey, boolean leaseAsText, boolean timestampIsInstant,
                boolean claimedRowsUnordered) {
            this(checksIndex, requiresIndex, indexesEndWithPrimaryKey, leaseAsText, timestampIsInstant, claimedRowsUnordered, null);
        }
    }

    final Shape table;
    final String key;
    final List<String> order;
    /** The eligible values that are bound (those that are not NULL), in order: the parameters of the claimable condition. */
    final List<Object> eligibleParameters;
    /** The parameters of {@link #pick}'s condition: {@link #eligibleParameters}, each twice where the pick tests a range. */
    final List<Object> pickParameters;
    final Map<String, Object> eligible;
    final String claimedBy;
    final String claimedUntil;
    final String claimToken;
    final int claimedBySize;
    /** The locking read of up to {@code ?} keys; parameters: the eligible values, the limit. */
    final String pick;
    /** The SET list of a claim; parameters: the worker, the lease in milliseconds, the token. */
    final String assignments;
    /** The dialect's one claim statement, or null. */
    final String claimStatement;
    final String orderBy;
    final Rules rules;
    /** The condition of a claimable row; parameters: {@link #eligibleParameters}. */
    private final String claimable;
    private final Dialect dialect;
    private final String now;
    private final String later;
    private final String stillHeld;
    private final Map<List<String>, String> finishes = new ConcurrentHashMap<>();
    private final Map<List<String>, String> releases = new ConcurrentHashMap<>();

    private QueueShape(Dialect d, Rules rules, Shape table, Queue queue, boolean zoned, int claimedBySize) {
        this.dialect = d;
        this.rules = rules;
        this.table = table;
        this.key = table.key.get(0);
        List<String> orderColumns = new ArrayList<>();
        queue.orderColumns().forEach(c -> orderColumns.add(table.column(c)));
        this.order = List.copyOf(orderColumns);
        this.eligible = new LinkedHashMap<>();
        for (int i = 0; i < queue.eligibleValues().size(); i++) {
            eligible.put(table.column(queue.eligibleValues().columns().get(i)), queue.eligibleValues().values().get(i));
        }
        this.claimedBy = table.column(queue.claimedByColumn());
        this.claimedUntil = table.column(queue.claimedUntilColumn());
        this.claimToken = table.column(queue.claimTokenColumn());
        this.claimedBySize = claimedBySize;
        this.now = d.clockNow(zoned);
        this.later = d.clockNowPlusMillis(zoned);
        this.stillHeld = " where " + q(key) + " = ? and " + q(claimToken) + " = ? and " + q(claimedUntil) + " > " + now;

        List<Object> parameters = new ArrayList<>();
        StringBuilder condition = new StringBuilder();
        eligible.forEach((column, value) -> {
            condition.append(q(column)).append(value == null ? " is null and " : " = ? and ");
            if (value != null) {
                parameters.add(value);
            }
        });
        String free = "(" + q(claimedUntil) + " is null or " + q(claimedUntil) + " < " + now + ")"; // no lease, or a lapsed one
        this.claimable = condition + free;
        this.eligibleParameters = List.copyOf(parameters);
        List<String> quotedOrder = new ArrayList<>();
        order.forEach(c -> quotedOrder.add(q(c)));
        this.orderBy = String.join(", ", quotedOrder);
        // Where the claim reads through the index on the eligible columns, then the order (every database but H2, whose
        // claim reads along the primary key), the pick is ordered by that index's columns: the same order, since the
        // eligible columns hold one value each. Ordered by the key alone, a planner that cannot see how few rows the
        // eligible values match (stale statistics, a generic plan) may walk the primary key past every finished row,
        // on every claim. On PostgreSQL the eligible columns are tested as ranges, or the planner would drop them
        // from the order as constants (see Dialect.pickTestsEligibleAsRange).
        List<String> pickOrder = new ArrayList<>();
        String pickCondition = claimable;
        List<Object> pickBound = parameters;
        if (rules.checksIndex()) {
            eligible.keySet().forEach(c -> pickOrder.add(q(c)));
            if (d.pickTestsEligibleAsRange()) {
                StringBuilder ranges = new StringBuilder();
                pickBound = new ArrayList<>();
                for (Map.Entry<String, Object> e : eligible.entrySet()) {
                    String c = q(e.getKey());
                    ranges.append(c).append(e.getValue() == null ? " is null and " : " >= ? and " + c + " <= ? and ");
                    if (e.getValue() != null) {
                        pickBound.add(e.getValue());
                        pickBound.add(e.getValue());
                    }
                }
                pickCondition = ranges + free;
            }
        }
        pickOrder.addAll(quotedOrder);
        this.pickParameters = List.copyOf(pickBound);
        this.pick = d.claimPick(table.quotedName, q(key), " where " + pickCondition, String.join(", ", pickOrder));
        this.assignments = q(claimedBy) + " = ?, " + q(claimedUntil) + " = " + later + ", " + q(claimToken) + " = ?";
        this.claimStatement = d.claimStatement(table.quotedName, q(key), pick, assignments, orderBy);
    }

    /** Resolves {@code queue} on the table {@code table} that the catalog check found, or refuses it. */
    static QueueShape resolve(Connection connection, Dialect d, Catalog.Rules catalog, Rules rules, Shape table, Queue queue) throws SQLException {
        if (d.skipLocked() == null) {
            throw new DatabaseException("Idem cannot claim rows of " + table.display + " on " + d.name() + ": the database cannot skip rows"
                    + " that other transactions hold (SELECT ... FOR UPDATE SKIP LOCKED needs MySQL 8.0.1, MariaDB 10.6; SQLite needs 3.35),"
                    + " and a claim that waits on them would queue every worker behind the first. Upgrade the database", null);
        }
        if (queue.eligibleValues().isEmpty()) {
            throw new IllegalArgumentException("Queue " + queue.name() + " declares no eligible values: say which rows wait, for example"
                    + " .eligible(Values.of(\"status\", \"new\")), so that finishing a row can take it out of the queue");
        }
        Set<String> seen = new HashSet<>();
        List<String> claimColumns = List.of(queue.claimedByColumn(), queue.claimedUntilColumn(), queue.claimTokenColumn());
        for (String column : claimColumns) {
            seen.add(table.column(column));
        }
        for (String column : queue.eligibleValues().columns()) {
            if (seen.contains(table.column(column)) || table.column(column).equals(table.key.get(0))) {
                throw new IllegalArgumentException("Column '" + column + "' of " + table.display + " is the key or a claim column; it cannot also decide eligibility");
            }
        }
        QueueCatalog.Columns columns = new QueueCatalog.Columns(connection, table);
        String by = table.column(queue.claimedByColumn());
        String until = table.column(queue.claimedUntilColumn());
        String token = table.column(queue.claimTokenColumn());
        int bySize = columns.requireText(by, 1, "the worker's name");
        columns.requireText(token, TOKEN_LENGTH, "the claim's token, " + TOKEN_LENGTH + " characters");
        boolean zoned = columns.requireTimestamp(until, rules);
        QueueShape shape = new QueueShape(d, rules, table, queue, zoned, bySize);
        QueueCatalog.checkIndex(connection, catalog, queue, shape);
        return shape;
    }

    /** Refuses a worker name the claimed-by column cannot hold, before anything is written. */
    void checkWorker(String worker) {
        if (claimedBySize > 0 && worker.length() > claimedBySize) {
            throw new IllegalArgumentException("The worker name '" + worker + "' is longer than column " + claimedBy + " of " + table.display
                    + " holds (" + claimedBySize + " characters)");
        }
    }

    /**
     * The update that marks {@code keys} locked rows claimed, those still claimable: the read that locked
     * them may have read an older version (H2 reads the candidates before it locks them). Parameters: the
     * worker, the lease, the token, the keys, {@link #eligibleParameters}.
     */
    String markClaimed(int keys) {
        return "update " + table.quotedName + " set " + assignments + " where " + q(key) + " in (?" + ", ?".repeat(keys - 1) + ") and " + claimable;
    }

    /** The rows this claim marked, in the queue's order; parameters: the keys, the token. */
    String reread(int keys) {
        return "select * from " + table.quotedName + " where " + q(key) + " in (?" + ", ?".repeat(keys - 1) + ") and " + q(claimToken)
                + " = ? order by " + orderBy;
    }

    /** Writes {@code columns} and ends the claim, keeping the worker's name; parameters: the values, the key, the token. */
    String finish(List<String> columns) {
        return finishes.computeIfAbsent(columns, cols -> "update " + table.quotedName + " set " + sets(cols) + q(claimedUntil) + " = null, "
                + q(claimToken) + " = null" + stillHeld);
    }

    /** Writes {@code columns} and clears the claim; parameters: the values, the key, the token. */
    String release(List<String> columns) {
        return releases.computeIfAbsent(columns, cols -> "update " + table.quotedName + " set " + sets(cols) + q(claimedBy) + " = null, "
                + q(claimedUntil) + " = null, " + q(claimToken) + " = null" + stillHeld);
    }

    /** Parameters: the lease in milliseconds, the key, the token. */
    String renew() {
        return "update " + table.quotedName + " set " + q(claimedUntil) + " = " + later + stillHeld;
    }

    private String sets(List<String> columns) {
        StringBuilder out = new StringBuilder();
        columns.forEach(c -> out.append(q(c)).append(" = ?, "));
        return out.toString();
    }

    String q(String column) {
        return dialect.quote(column);
    }
}
