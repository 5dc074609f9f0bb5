package dev.idem.internal;

import dev.idem.Queue;
import dev.idem.SchemaMismatchException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
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

/**
 * What a queue's table must offer before Idem claims a row of it, read from the catalog once: claim
 * columns that can hold their values, and (on MySQL and MariaDB) an index that serves the claim's read.
 */
final class QueueCatalog {

    private static final System.Logger LOG = System.getLogger("dev.idem");

    private QueueCatalog() {
    }

    /**
     * The claim's read wants an index whose leading columns are the eligible columns, then the order
     * columns. InnoDB locks every index record its locking read scans (and, under REPEATABLE READ, keeps
     * the locks): without such an index one worker would lock every waiting row, and the others, skipping
     * them, would find nothing. Idem refuses such a queue on MySQL and MariaDB and warns elsewhere, where
     * the cost is a slower claim on a large table.
     */
    static void checkIndex(Connection connection, Catalog.Rules catalog, Queue queue, QueueShape shape) throws SQLException {
        QueueShape.Rules rules = shape.rules;
        if (!rules.checksIndex()) {
            return;
        }
        Map<String, Object> eligible = shape.eligible;
        List<String> order = shape.order;
        Shape table = shape.table;
        List<String> wanted = new ArrayList<>(eligible.keySet());
        for (String column : order) {
            if (!wanted.contains(column)) {
                wanted.add(column);
            }
        }
        for (List<String> index : indexes(connection, catalog, rules, queue, table)) {
            if (serves(index, eligible.keySet(), order)) {
                return;
            }
        }
        List<String> quoted = new ArrayList<>();
        wanted.forEach(c -> quoted.add(shape.q(c)));
        String advice = "create index " + shape.q(table.display + "_claim") + " on " + table.quotedName + " (" + String.join(", ", quoted) + ")";
        if (rules.requiresIndex()) {
            throw new SchemaMismatchException("No index of " + table.display + " starts with the queue's eligible columns " + eligible.keySet()
                    + " followed by its order columns " + order + ". InnoDB's SKIP LOCKED locks every row its read scans, so one worker would"
                    + " lock all waiting rows and the others would claim none. Add one: " + advice);
        }
        LOG.log(System.Logger.Level.WARNING, "No index of {0} starts with the queue''s eligible columns {1} followed by its order columns {2}:"
                + " each claim will scan the table. Consider: {3}", table.display, eligible.keySet(), order, advice);
    }

    /** True when {@code index} starts with the eligible columns (in any order), then the order columns. */
    private static boolean serves(List<String> index, Set<String> eligible, List<String> order) {
        int e = eligible.size();
        if (index.size() < e) {
            return false;
        }
        Set<String> leading = new HashSet<>();
        index.subList(0, e).forEach(c -> leading.add(c.toLowerCase(Locale.ROOT)));
        Set<String> wantedLeading = new HashSet<>();
        eligible.forEach(c -> wantedLeading.add(c.toLowerCase(Locale.ROOT)));
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

    /** The columns of every index of the table, in index order, with the primary key's appended where secondary indexes hold it. */
    private static List<List<String>> indexes(Connection connection, Catalog.Rules rules, QueueShape.Rules queueRules, Queue queue, Shape table)
            throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String catalog = null;
        String schema = queue.schema().orElse(null);
        if (rules.schemasAreCatalogs()) {
            catalog = schema != null ? schema : connection.getCatalog();
            schema = null;
        } else if (schema == null && rules.hasCurrentSchema()) {
            schema = connection.getSchema();
        }
        if (queueRules.indexParts() != null) {
            return indexParts(connection, queueRules, table, rules.schemasAreCatalogs() ? catalog : schema);
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
        if (queueRules.indexesEndWithPrimaryKey()) {
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

    /**
     * The columns of every index, read with {@link QueueShape.Rules#indexParts}; an index ends, for the claim's
     * read, at its first part that is no whole column. Where secondary indexes hold the primary key, its columns
     * (the index named {@code PRIMARY}) are appended to theirs.
     */
    private static List<List<String>> indexParts(Connection connection, QueueShape.Rules queueRules, Shape table, String owner) throws SQLException {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        Set<String> ended = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(queueRules.indexParts())) {
            ps.setString(1, table.display);
            ps.setString(2, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!table.display.equals(rs.getString(1))) {
                        continue; // a case-insensitive catalog also answers for a table named with another case
                    }
                    String index = rs.getString(2);
                    String column = rs.getString(3);
                    List<String> columns = byName.computeIfAbsent(index, i -> new ArrayList<>());
                    if (column == null) {
                        ended.add(index);
                    } else if (!ended.contains(index)) {
                        columns.add(column);
                    }
                }
            }
        }
        List<String> primaryKey = queueRules.indexesEndWithPrimaryKey() ? byName.getOrDefault("PRIMARY", List.of()) : List.of();
        List<List<String>> indexes = new ArrayList<>();
        byName.forEach((name, columns) -> {
            List<String> list = new ArrayList<>(columns);
            if (!name.equals("PRIMARY")) {
                primaryKey.stream().filter(c -> !list.contains(c)).forEach(list::add);
            }
            indexes.add(list);
        });
        return indexes;
    }

    /** The columns of the table as a query describes them: their types, sizes and nullability, read without reading a row. */
    static final class Columns {

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
        boolean requireTimestamp(String column, QueueShape.Rules rules) {
            int[] type = type(column);
            String name = typeName(column);
            requireNullable(column, "the end of the claim's lease");
            if (rules.leaseAsText()) {
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
                    || rules.timestampIsInstant() && name.equals("timestamp");
        }
    }
}
