package dev.idem.internal;

import dev.idem.DatabaseException;
import dev.idem.Queue;
import dev.idem.SchemaMismatchException;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

    private static final System.Logger LOG = System.getLogger("dev.idem");

    final Shape table;
    final String key;
    final List<String> order;
    /** The eligible values that are bound (those that are not NULL), in the order of {@link #pick}'s parameters. */
    final List<Object> eligibleParameters;
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
    /** The condition of a claimable row; parameters: {@link #eligibleParameters}. */
    private final String claimable;
    private final Dialect dialect;
    private final String now;
    private final String later;
    private final String stillHeld;
    private final Map<List<String>, String> finishes = new ConcurrentHashMap<>();
    private final Map<List<String>, String> releases = new ConcurrentHashMap<>();

    private QueueShape(Dialect d, Shape table, Queue queue, boolean zoned, int claimedBySize) {
        this.dialect = d;
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
        condition.append('(').append(q(claimedUntil)).append(" is null or ").append(q(claimedUntil)).append(" < ").append(now).append(')');
        this.claimable = condition.toString();
        this.eligibleParameters = List.copyOf(parameters);
        List<String> quotedOrder = new ArrayList<>();
        order.forEach(c -> quotedOrder.add(q(c)));
        this.orderBy = String.join(", ", quotedOrder);
        this.pick = d.claimPick(table.quotedName, q(key), " where " + claimable, orderBy);
        this.assignments = q(claimedBy) + " = ?, " + q(claimedUntil) + " = " + later + ", " + q(claimToken) + " = ?";
        this.claimStatement = d.claimStatement(table.quotedName, q(key), pick, assignments, orderBy);
    }

    /** Resolves {@code queue} on the table {@code table} that the catalog check found, or refuses it. */
    static QueueShape resolve(Connection connection, Dialect d, Vendor vendor, Shape table, Queue queue) throws SQLException {
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
        Columns columns = new Columns(connection, table);
        String by = table.column(queue.claimedByColumn());
        String until = table.column(queue.claimedUntilColumn());
        String token = table.column(queue.claimTokenColumn());
        int bySize = columns.requireText(by, 1, "the worker's name");
        columns.requireText(token, TOKEN_LENGTH, "the claim's token, " + TOKEN_LENGTH + " characters");
        boolean zoned = columns.requireTimestamp(until, vendor);
        QueueShape shape = new QueueShape(d, table, queue, zoned, bySize);
        shape.checkIndex(connection, vendor, queue);
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

    private String q(String column) {
        return dialect.quote(column);
    }

    /**
     * The claim's read wants an index whose leading columns are the eligible columns, then the order
     * columns. InnoDB locks every index record its locking read scans (and, under REPEATABLE READ, keeps
     * the locks): without such an index one worker would lock every waiting row, and the others, skipping
     * them, would find nothing. Idem refuses such a queue on MySQL and MariaDB and warns elsewhere, where
     * the cost is a slower claim on a large table.
     */
    private void checkIndex(Connection connection, Vendor vendor, Queue queue) throws SQLException {
        List<String> wanted = new ArrayList<>(eligible.keySet());
        for (String column : order) {
            if (!wanted.contains(column)) {
                wanted.add(column);
            }
        }
        for (List<String> index : indexes(connection, vendor, queue)) {
            if (serves(index)) {
                return;
            }
        }
        List<String> quoted = new ArrayList<>();
        wanted.forEach(c -> quoted.add(q(c)));
        String advice = "create index " + q(table.display + "_claim") + " on " + table.quotedName + " (" + String.join(", ", quoted) + ")";
        if (vendor.isMysqlFamily()) {
            throw new SchemaMismatchException("No index of " + table.display + " starts with the queue's eligible columns " + eligible.keySet()
                    + " followed by its order columns " + order + ". InnoDB's SKIP LOCKED locks every row its read scans, so one worker would"
                    + " lock all waiting rows and the others would claim none. Add one: " + advice);
        }
        LOG.log(System.Logger.Level.WARNING, "No index of {0} starts with the queue''s eligible columns {1} followed by its order columns {2}:"
                + " each claim will scan the table. Consider: {3}", table.display, eligible.keySet(), order, advice);
    }

    /** True when {@code index} starts with the eligible columns (in any order), then the order columns. */
    private boolean serves(List<String> index) {
        int e = eligible.size();
        if (index.size() < e) {
            return false;
        }
        Set<String> leading = new HashSet<>();
        index.subList(0, e).forEach(c -> leading.add(c.toLowerCase(Locale.ROOT)));
        Set<String> wantedLeading = new HashSet<>();
        eligible.keySet().forEach(c -> wantedLeading.add(c.toLowerCase(Locale.ROOT)));
        if (!leading.equals(wantedLeading)) {
            return false;
        }
        List<String> rest = index.subList(e, index.size());
        int i = 0;
        for (String column : order) {
            if (wantedLeading.contains(column.toLowerCase(Locale.ROOT))) {
                continue; // ordering by an eligible column: it holds one value among the eligible rows
            }
            if (i >= rest.size() || !rest.get(i).equalsIgnoreCase(column)) {
                return false;
            }
            i++;
        }
        return true;
    }

    /** The columns of every index of the table, in index order; InnoDB's secondary indexes end with the primary key's columns. */
    private List<List<String>> indexes(Connection connection, Vendor vendor, Queue queue) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String catalog = null;
        String schema = queue.schema().orElse(null);
        if (vendor.isMysqlFamily()) {
            catalog = schema != null ? schema : connection.getCatalog();
            schema = null;
        } else if (schema == null && vendor != Vendor.SQLITE) {
            schema = connection.getSchema();
        }
        Map<String, Map<Integer, String>> byName = new LinkedHashMap<>();
        try (ResultSet rs = meta.getIndexInfo(catalog, schema, table.display, false, true)) {
            while (rs.next()) {
                String name = rs.getString("INDEX_NAME");
                String column = rs.getString("COLUMN_NAME");
                if (name != null && column != null && rs.getShort("TYPE") != DatabaseMetaData.tableIndexStatistic) {
                    byName.computeIfAbsent(name, n -> new java.util.TreeMap<>()).put((int) rs.getShort("ORDINAL_POSITION"), column);
                }
            }
        }
        List<String> primaryKey = new ArrayList<>();
        if (vendor.isMysqlFamily()) {
            Map<Integer, String> pk = new java.util.TreeMap<>();
            try (ResultSet rs = meta.getPrimaryKeys(catalog, schema, table.display)) {
                while (rs.next()) {
                    pk.put((int) rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
                }
            }
            primaryKey.addAll(pk.values());
        }
        List<List<String>> indexes = new ArrayList<>();
        byName.forEach((name, columns) -> {
            List<String> list = new ArrayList<>(columns.values());
            if (!name.equals("PRIMARY")) {
                primaryKey.stream().filter(c -> !list.contains(c)).forEach(list::add);
            }
            indexes.add(list);
        });
        return indexes;
    }

    /** The columns of the table as a query describes them: their types, sizes and nullability, read without reading a row. */
    private static final class Columns {

        private final Shape table;
        private final Map<String, int[]> types = new LinkedHashMap<>();
        private final Map<String, String> typeNames = new LinkedHashMap<>();

        Columns(Connection connection, Shape table) throws SQLException {
            this.table = table;
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("select * from " + table.quotedName + " where 1 = 0")) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String name = meta.getColumnName(i);
                    types.put(name, new int[] {meta.getColumnType(i), meta.getPrecision(i), meta.isNullable(i)});
                    typeNames.put(name, String.valueOf(meta.getColumnTypeName(i)).toLowerCase(Locale.ROOT));
                }
            }
        }

        private int[] type(String column) {
            int[] type = types.get(column);
            if (type == null) {
                for (Map.Entry<String, int[]> e : types.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(column)) {
                        return e.getValue();
                    }
                }
                throw new SchemaMismatchException("Table " + table.display + " has no column '" + column + "'");
            }
            return type;
        }

        private String typeName(String column) {
            for (Map.Entry<String, String> e : typeNames.entrySet()) {
                if (e.getKey().equalsIgnoreCase(column)) {
                    return e.getValue();
                }
            }
            return "";
        }

        private void requireNullable(String column, String holds) {
            if (type(column)[2] == ResultSetMetaData.columnNoNulls) {
                throw new SchemaMismatchException("Column " + column + " of " + table.display + " holds " + holds + " and is NOT NULL; an unclaimed"
                        + " row has none. Allow NULL in it");
            }
        }

        /** Requires a nullable text column of at least {@code minimum} characters; returns its size, or 0 when unbounded or unknown. */
        int requireText(String column, int minimum, String holds) {
            int[] type = type(column);
            String name = typeName(column);
            boolean text = switch (type[0]) {
                case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> true;
                default -> name.contains("char") || name.contains("text") || name.contains("clob");
            };
            if (!text) {
                throw new SchemaMismatchException("Column " + column + " of " + table.display + " holds " + holds + " but is of type " + name
                        + "; make it a text column (varchar)");
            }
            int size = type[1] > 0 && type[1] < Integer.MAX_VALUE ? type[1] : 0;
            if (size > 0 && size < minimum) {
                throw new SchemaMismatchException("Column " + column + " of " + table.display + " holds " + holds + " but has room for " + size
                        + " characters; make it at least varchar(" + minimum + ")");
            }
            requireNullable(column, holds);
            return size;
        }

        /**
         * Requires a nullable column that can hold the lease's end; returns whether it holds an instant
         * (a timestamp with time zone, or MySQL's TIMESTAMP) rather than a wall-clock time, kept in UTC.
         * SQLite has no timestamp type: Idem stores UTC as text, in any column without integer or real affinity.
         */
        boolean requireTimestamp(String column, Vendor vendor) {
            int[] type = type(column);
            String name = typeName(column);
            requireNullable(column, "the end of the claim's lease");
            if (vendor == Vendor.SQLITE) {
                if (name.contains("int") || name.contains("real") || name.contains("floa") || name.contains("doub")) {
                    throw new SchemaMismatchException("Column " + column + " of " + table.display + " is declared " + name + "; Idem stores the lease's"
                            + " end as UTC text (YYYY-MM-DD HH:MM:SS.SSS) there. Declare it text, or timestamp");
                }
                return false;
            }
            if (type[0] != Types.TIMESTAMP && type[0] != Types.TIMESTAMP_WITH_TIMEZONE) {
                throw new SchemaMismatchException("Column " + column + " of " + table.display + " holds the end of the claim's lease but is of type "
                        + name + "; make it a timestamp with time zone (on MySQL and MariaDB: datetime(6) or timestamp(6))");
            }
            return type[0] == Types.TIMESTAMP_WITH_TIMEZONE || name.equals("timestamptz") || name.contains("with time zone")
                    || vendor.isMysqlFamily() && name.equals("timestamp");
        }
    }
}
