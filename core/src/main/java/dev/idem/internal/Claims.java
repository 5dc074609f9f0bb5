package dev.idem.internal;

import dev.idem.Claim;
import dev.idem.DatabaseException;
import dev.idem.Queue;
import dev.idem.Row;
import dev.idem.Values;
import dev.idem.spi.Dialect;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Work queues in a table (rule 11): each waiting row to exactly one live worker, claims that skip rows
 * other workers hold instead of waiting for them, leases on the database's clock, and a fencing token per
 * claim, so that a worker whose lease lapsed can no longer finish, release or renew the row.
 *
 * <p>A claim is one statement where the dialect has one (PostgreSQL, SQLite). Elsewhere it is a locking
 * read of the keys that skips locked rows, then an update of exactly those keys (and, without
 * {@code UPDATE ... RETURNING}, a re-read), in one transaction: Idem's own on a connection in auto-commit
 * mode, the caller's otherwise. Finish, release and renew are each one conditional UPDATE.
 */
public final class Claims {

    /** Rows per claim at most: the keys travel as parameters of the update on databases that need one. */
    static final int MAX_LIMIT = 1_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * SQLite's ascending order: NULL first, then numbers by value, then text and the rest by their
     * natural order. SQLite's RETURNING gives the claimed rows in no particular order.
     */
    private static final Comparator<Object> SQLITE_ORDER = (a, b) -> {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
        }
        if (a instanceof Number || b instanceof Number) {
            return a instanceof Number ? -1 : 1;
        }
        return a.toString().compareTo(b.toString());
    };

    private final Database database;
    private final Transactions transactions;

    public Claims(Database database, Transactions transactions) {
        this.database = database;
        this.transactions = transactions;
    }

    public List<Claim> claim(Connection connection, Queue queue, String worker, int limit, Duration lease) throws SQLException {
        Objects.requireNonNull(queue, "queue");
        if (worker == null || worker.isEmpty()) {
            throw new IllegalArgumentException("Name the worker: it is stored in the claimed-by column of each row it claims");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("A claim takes 1 to " + MAX_LIMIT + " rows, not " + limit);
        }
        long millis = leaseMillis(lease);
        Dialect d = database.dialect(connection);
        QueueShape q = database.queue(connection, queue);
        q.checkWorker(worker);
        String token = HexFormat.of().formatHex(randomBytes());
        List<Row> rows;
        try {
            if (q.claimStatement != null) {
                List<Object> parameters = new ArrayList<>(q.pickParameters);
                parameters.addAll(List.of(limit, worker, millis, token));
                try {
                    rows = query(connection, q.claimStatement, parameters);
                } catch (SQLException e) {
                    // In auto-commit mode the claim commits by itself: lost in flight, it may have taken rows.
                    throw database.translateWrite(e, "claim rows of " + q.table.display, connection);
                }
                if (q.rules.claimedRowsUnordered()) {
                    rows.sort(inQueueOrder(q));
                }
            } else {
                // The read locks the rows and the update marks them: in auto-commit mode the locks would end with the read.
                rows = transactions.asOneTransaction(connection, c -> pickAndMark(c, d, q, worker, limit, millis, token));
            }
        } catch (SQLException e) {
            throw database.translate(e, "claim rows of " + q.table.display);
        }
        List<Claim> claims = new ArrayList<>(rows.size());
        for (Row row : rows) {
            claims.add(new Claim(queue, row.get(q.key), worker, token, row));
        }
        return claims;
    }

    /** The locking read that skips rows others hold, then the update of exactly the keys it locked. */
    private static List<Row> pickAndMark(Connection c, Dialect d, QueueShape q, String worker, int limit, long millis, String token) throws SQLException {
        List<Object> pickParameters = new ArrayList<>(q.pickParameters);
        pickParameters.add(limit);
        List<Object> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(q.pick)) {
            Statements.bind(ps, pickParameters.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getObject(1));
                }
            }
        }
        if (keys.isEmpty()) {
            return new ArrayList<>();
        }
        List<Object> parameters = new ArrayList<>(List.of(worker, millis, token));
        parameters.addAll(keys);
        parameters.addAll(q.eligibleParameters);
        String update = q.markClaimed(keys.size());
        String returning = d.returningUpdate(update, q.orderBy);
        if (returning != null) {
            return query(c, returning, parameters);
        }
        try (PreparedStatement ps = c.prepareStatement(update)) {
            Statements.bind(ps, parameters.toArray());
            if (ps.executeUpdate() == 0) {
                return new ArrayList<>();
            }
        }
        List<Object> reread = new ArrayList<>(keys);
        reread.add(token);
        return query(c, q.reread(keys.size()), reread);
    }

    public boolean finish(Connection connection, Queue queue, Claim claim, Values changes) throws SQLException {
        QueueShape q = held(connection, queue, claim);
        Objects.requireNonNull(changes, "changes");
        List<String> columns = columns(q, changes);
        boolean leavesQueue = false;
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            if (q.eligible.containsKey(column) && !same(q.eligible.get(column), changes.values().get(i))) {
                leavesQueue = true;
            }
        }
        if (!leavesQueue) {
            throw new IllegalArgumentException("Finishing a row of " + q.table.display + " must take it out of the queue: change one of "
                    + q.eligible + " (for example to a 'done' status). To hand the row back instead, release it");
        }
        return conditionalUpdate(connection, q, q.finish(columns), changes.values(), claim, "finish");
    }

    public boolean release(Connection connection, Queue queue, Claim claim, Values changes) throws SQLException {
        QueueShape q = held(connection, queue, claim);
        Objects.requireNonNull(changes, "changes");
        return conditionalUpdate(connection, q, q.release(columns(q, changes)), changes.values(), claim, "release");
    }

    public boolean renew(Connection connection, Queue queue, Claim claim, Duration lease) throws SQLException {
        long millis = leaseMillis(lease);
        QueueShape q = held(connection, queue, claim);
        return conditionalUpdate(connection, q, q.renew(), List.of(millis), claim, "renew");
    }

    /**
     * Runs an update guarded by the key, the claim's token and a lease that has not lapsed; true when it
     * changed the row. Under a savepoint where a failure (a value the database refuses) would abort the
     * caller's transaction.
     */
    private boolean conditionalUpdate(Connection connection, QueueShape q, String sql, List<Object> values, Claim claim, String doing)
            throws SQLException {
        List<Object> parameters = new ArrayList<>(values);
        parameters.add(claim.key());
        parameters.add(claim.token());
        Savepoint savepoint = values.isEmpty() ? null : Statements.savepointIfNeeded(connection, database.dialect(connection));
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            Statements.bind(ps, parameters.toArray());
            int updated = ps.executeUpdate();
            Statements.release(connection, savepoint);
            return updated > 0;
        } catch (SQLException e) {
            Statements.rollbackTo(connection, savepoint, e);
            // A conditional update that commits by itself: lost in flight, it may have ended the claim, and a retry would answer false.
            throw database.translateWrite(e, doing + " " + claim, connection);
        }
    }

    private QueueShape held(Connection connection, Queue queue, Claim claim) throws SQLException {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(claim, "claim");
        if (!claim.queue().equals(queue)) {
            throw new IllegalArgumentException(claim + " was made on queue " + claim.queue() + ", not " + queue);
        }
        return database.queue(connection, queue);
    }

    /** The stored names of the columns a caller writes; the key and the claim columns are Idem's to write. */
    private static List<String> columns(QueueShape q, Values changes) {
        List<String> columns = new ArrayList<>(changes.size());
        for (String requested : changes.columns()) {
            String column = q.table.column(requested);
            if (column.equals(q.key) || column.equals(q.claimedBy) || column.equals(q.claimedUntil) || column.equals(q.claimToken)) {
                throw new IllegalArgumentException("Column '" + column + "' of " + q.table.display + " is the queue's key or a claim column: Idem writes it");
            }
            columns.add(column);
        }
        return columns;
    }

    private static boolean same(Object a, Object b) {
        return a == null ? b == null : b != null && Links.normalize(a).equals(Links.normalize(b));
    }

    private static long leaseMillis(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("A lease lasts at least a millisecond, not " + lease);
        }
        return lease.toMillis();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[QueueShape.TOKEN_LENGTH / 2];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static Comparator<Row> inQueueOrder(QueueShape q) {
        Comparator<Row> order = (a, b) -> 0;
        for (String column : q.order) {
            order = order.thenComparing(r -> r.get(column), SQLITE_ORDER);
        }
        return order;
    }

    private static List<Row> query(Connection c, String sql, List<Object> parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Statements.bind(ps, parameters.toArray());
            List<Row> rows = new ArrayList<>();
            if (!ps.execute()) {
                throw new DatabaseException("The claim statement returned no rows: " + sql, null);
            }
            try (ResultSet rs = ps.getResultSet()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        values.put(meta.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(new Row(values));
                }
            }
            return rows;
        }
    }
}
