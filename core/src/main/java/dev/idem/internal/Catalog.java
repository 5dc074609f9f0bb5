package dev.idem.internal;

import dev.idem.SchemaMismatchException;
import dev.idem.Table;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds a declared table in the database's catalog (once; the result is cached by the engine): the
 * table and its columns, matched the way the database folds unquoted names, and the unique indexes that
 * cover exactly the key. Refuses, before any data is touched, what cannot be race-free.
 */
final class Catalog {

    /**
     * How one database lays out its catalog, as far as finding a table goes; each dialect's file declares
     * its database's.
     *
     * @param schemasAreCatalogs a schema is a database, reported as the JDBC catalog (MySQL, MariaDB)
     * @param hasCurrentSchema an unqualified name is looked for in the connection's current schema first
     * @param searchPath a query listing the schemas an unqualified name is looked for in next, or null
     * @param searchEverySchema an unqualified name not found so far is looked for in every schema
     * @param partialIndexes a query naming the unique indexes that make only part of a value unique, which
     *        the driver's metadata shows as plain ones; bound with the table's name, then (where schemas
     *        are catalogs) its database; or null
     * @param columnTypes a query naming each column's type as a cast accepts it (no length, so that a cast never
     *        truncates), bound with the table's quoted name; for statements that bind a column's values as one
     *        array (PostgreSQL); or null
     * @param columns a query naming the table's columns, read instead of the driver's metadata where that
     *        mangles some names; bound with the table's name, then its owner (its schema, or its database where
     *        schemas are catalogs), and answering (table name, column name) in the columns' order, since a
     *        case-insensitive catalog also answers for a table named with another case; or null
     * @param uniqueIndexParts a query naming the parts of every unique index and the primary key, read instead of
     *        the driver's metadata where that mangles some names; bound as {@code columns} and answering (table
     *        name, index name, column name), the column NULL for a part that does not cover a whole column (an
     *        expression, a prefix, a WHERE clause); or null
     */
    record Rules(boolean schemasAreCatalogs, boolean hasCurrentSchema, String searchPath, boolean searchEverySchema, String partialIndexes,
                 String columnTypes, String columns, String uniqueIndexParts) {

        Rules(boolean schemasAreCatalogs, boolean hasCurrentSchema, String searchPath, boolean searchEverySchema, String partialIndexes) {
            this(schemasAreCatalogs, hasCurrentSchema, searchPath, searchEverySchema, partialIndexes, null, null, null);
        }
    }

    private Catalog() {
    }

    static Shape resolve(Connection connection, Dialect dialect, Rules rules, Table table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String catalog = null;
        String schema = table.schema().orElse(null);
        if (rules.schemasAreCatalogs()) {
            catalog = schema != null ? schema : connection.getCatalog();
            schema = null;
        } else if (schema == null && rules.hasCurrentSchema()) {
            schema = connection.getSchema();
        }
        Located found = locate(meta, catalog, schema, table.name());
        if (found == null && table.schema().isEmpty()) {
            found = onSearchPath(connection, meta, rules, table.name());
        }
        if (found == null) {
            throw new SchemaMismatchException("No table '" + table.name() + "'" + table.schema().map(s -> " in schema '" + s + "'").orElse("")
                    + " is visible to this connection; create it, or name it as the catalog does (exact case, or the database's folding of it)");
        }
        String display = found.name;
        boolean qualify = table.schema().isPresent() || schema != null && found.schema != null && !found.schema.equals(schema);
        String owner = rules.schemasAreCatalogs() ? found.catalog : found.schema;
        String quotedName = (qualify && owner != null ? dialect.quote(owner) + "." : "") + dialect.quote(found.name);

        List<String> columns = columns(connection, rules, meta, found);
        List<String> key = new ArrayList<>();
        for (String requested : table.keyColumns()) {
            String column = pick(requested, columns);
            if (column == null) {
                throw new SchemaMismatchException("Table " + display + " has no key column '" + requested + "'; its columns are " + columns);
            }
            key.add(column);
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("Table " + table.name() + " declares no key: declare it with Table.key(columns...)");
        }
        String generated = null;
        if (table.generatedKeyColumn().isPresent()) {
            generated = pick(table.generatedKeyColumn().get(), columns);
            if (generated == null) {
                throw new SchemaMismatchException("Table " + display + " has no generated key column '" + table.generatedKeyColumn().get()
                        + "'; its columns are " + columns);
            }
        }
        Set<String> keyIndexes = uniqueIndexesCovering(connection, rules, meta, found, key);
        if (!keyIndexes.isEmpty()) {
            keyIndexes.removeAll(partialIndexes(connection, rules, found));
        }
        if (keyIndexes.isEmpty()) {
            throw new SchemaMismatchException("No unique constraint or unique index on " + display + " covers exactly " + key
                    + ", so concurrent inserts of the same key would both succeed. Add one, for example: alter table "
                    + display + " add unique (" + String.join(", ", key) + ")");
        }
        return new Shape(dialect, display, quotedName, columns, key, keyIndexes, generated, columnTypes(connection, rules, quotedName));
    }

    /** Each column's type, as {@link Rules#columnTypes} reads it; empty where the database needs none. */
    private static Map<String, String> columnTypes(Connection connection, Rules rules, String quotedName) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        if (rules.columnTypes() != null) {
            try (PreparedStatement ps = connection.prepareStatement(rules.columnTypes())) {
                ps.setString(1, quotedName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        types.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return types;
    }

    private record Located(String catalog, String schema, String name) {
    }

    /**
     * An unqualified name outside the current schema: PostgreSQL looks along its search path (and nowhere
     * else); a database Idem does not know is searched in every schema, a unique match taken.
     */
    private static Located onSearchPath(Connection connection, DatabaseMetaData meta, Rules rules, String name) throws SQLException {
        if (rules.searchPath() != null) {
            try (var s = connection.createStatement(); ResultSet rs = s.executeQuery(rules.searchPath())) {
                List<String> path = new ArrayList<>();
                while (rs.next()) {
                    path.add(rs.getString(1));
                }
                for (String schema : path) {
                    Located found = locate(meta, null, schema, name);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        }
        return rules.searchEverySchema() ? locate(meta, null, null, name) : null;
    }

    private static Located locate(DatabaseMetaData meta, String catalog, String schema, String name) throws SQLException {
        Map<String, Located> candidates = new LinkedHashMap<>();
        String escape = meta.getSearchStringEscape();
        for (String pattern : new String[] {escapePattern(name, escape), escapePattern(fold(meta, name), escape), null}) {
            try (ResultSet rs = meta.getTables(catalog, schema == null ? null : escapePattern(schema, escape), pattern, null)) {
                while (rs.next()) {
                    Located l = new Located(rs.getString("TABLE_CAT"), rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME"));
                    candidates.putIfAbsent(l.schema + "\u0000" + l.name, l);
                }
            }
            Located match = choose(name, fold(meta, name), candidates.values());
            if (match != null) {
                return match;
            }
        }
        return null;
    }

    private static Located choose(String name, String folded, Iterable<Located> candidates) {
        List<Located> exact = new ArrayList<>();
        List<Located> foldedMatches = new ArrayList<>();
        List<Located> loose = new ArrayList<>();
        for (Located l : candidates) {
            if (l.name.equals(name)) {
                exact.add(l);
            } else if (l.name.equals(folded)) {
                foldedMatches.add(l);
            } else if (l.name.equalsIgnoreCase(name)) {
                loose.add(l);
            }
        }
        for (List<Located> tier : List.of(exact, foldedMatches, loose)) {
            if (tier.size() == 1) {
                return tier.get(0);
            }
            if (tier.size() > 1) {
                List<String> names = new ArrayList<>();
                tier.forEach(l -> names.add((l.schema == null ? "" : l.schema + ".") + l.name));
                throw new SchemaMismatchException("The table name '" + name + "' matches " + names
                        + "; name its schema with inSchema(...) or use the exact case of one of them");
            }
        }
        return null;
    }

    private static List<String> columns(Connection connection, Rules rules, DatabaseMetaData meta, Located table) throws SQLException {
        List<String> columns = new ArrayList<>();
        if (rules.columns() != null) {
            try (PreparedStatement ps = byNameAndOwner(connection, rules, rules.columns(), table); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (table.name.equals(rs.getString(1))) {
                        columns.add(rs.getString(2));
                    }
                }
            }
            return columns;
        }
        try (ResultSet rs = meta.getColumns(table.catalog, table.schema == null ? null : escapePattern(table.schema, meta.getSearchStringEscape()),
                escapePattern(table.name, meta.getSearchStringEscape()), null)) {
            while (rs.next()) {
                if (table.name.equals(rs.getString("TABLE_NAME"))) {
                    columns.add(rs.getString("COLUMN_NAME"));
                }
            }
        }
        return columns;
    }

    /**
     * Indexes that the driver's metadata shows as plain unique indexes but that make only part of a
     * value unique: SQLite's partial indexes (sqlite-jdbc reports no filter condition), and MySQL's and
     * MariaDB's prefix indexes ({@code unique (title(3))}), which the JDBC metadata does not show at all.
     */
    private static Set<String> partialIndexes(Connection connection, Rules rules, Located table) throws SQLException {
        Set<String> names = new HashSet<>();
        if (rules.partialIndexes() != null) {
            try (PreparedStatement ps = connection.prepareStatement(rules.partialIndexes())) {
                ps.setString(1, table.name);
                if (rules.schemasAreCatalogs()) {
                    ps.setString(2, table.catalog);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
        }
        return names;
    }

    /** Names of the primary key and the unique, non-partial indexes whose columns are exactly {@code key}. */
    private static Set<String> uniqueIndexesCovering(Connection connection, Rules rules, DatabaseMetaData meta, Located table, List<String> key)
            throws SQLException {
        Map<String, Set<String>> indexes = new LinkedHashMap<>();
        Set<String> partial = new HashSet<>();
        if (rules.uniqueIndexParts() != null) {
            try (PreparedStatement ps = byNameAndOwner(connection, rules, rules.uniqueIndexParts(), table); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (table.name.equals(rs.getString(1))) {
                        String index = rs.getString(2);
                        String column = rs.getString(3);
                        if (column == null) {
                            partial.add(index);
                        }
                        indexes.computeIfAbsent(index, i -> new TreeSet<>()).add(String.valueOf(column));
                    }
                }
            }
            return covering(indexes, partial, key);
        }
        try (ResultSet rs = meta.getIndexInfo(table.catalog, table.schema, table.name, true, true)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                String column = rs.getString("COLUMN_NAME");
                if (index == null || rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic || rs.getBoolean("NON_UNIQUE")) {
                    continue;
                }
                if (column == null || rs.getString("FILTER_CONDITION") != null) {
                    partial.add(index); // an expression or a WHERE clause: does not make the key unique
                }
                indexes.computeIfAbsent(index, i -> new TreeSet<>()).add(String.valueOf(column));
            }
        }
        try (ResultSet rs = meta.getPrimaryKeys(table.catalog, table.schema, table.name)) {
            while (rs.next()) {
                String name = rs.getString("PK_NAME");
                indexes.computeIfAbsent(name == null ? "PRIMARY KEY" : name, i -> new TreeSet<>()).add(rs.getString("COLUMN_NAME"));
            }
        }
        return covering(indexes, partial, key);
    }

    private static Set<String> covering(Map<String, Set<String>> indexes, Set<String> partial, List<String> key) {
        Set<String> wanted = new TreeSet<>(key);
        Set<String> covering = new TreeSet<>();
        indexes.forEach((name, cols) -> {
            if (!partial.contains(name) && cols.equals(wanted)) {
                covering.add(name);
            }
        });
        return covering;
    }

    private static PreparedStatement byNameAndOwner(Connection connection, Rules rules, String sql, Located table) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            ps.setString(1, table.name);
            ps.setString(2, rules.schemasAreCatalogs() ? table.catalog : table.schema);
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    /** The stored name among {@code candidates} for a requested one: exact, else the only case-insensitive match. */
    static String pick(String requested, List<String> candidates) {
        if (candidates.contains(requested)) {
            return requested;
        }
        String found = null;
        for (String candidate : candidates) {
            if (candidate.equalsIgnoreCase(requested)) {
                if (found != null) {
                    throw new SchemaMismatchException("'" + requested + "' matches both '" + found + "' and '" + candidate + "'; use the exact case");
                }
                found = candidate;
            }
        }
        return found;
    }

    private static String fold(DatabaseMetaData meta, String name) throws SQLException {
        if (meta.storesUpperCaseIdentifiers()) {
            return name.toUpperCase(Locale.ROOT);
        }
        if (meta.storesLowerCaseIdentifiers()) {
            return name.toLowerCase(Locale.ROOT);
        }
        return name;
    }

    private static String escapePattern(String name, String escape) {
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("%", escape + "%").replace("_", escape + "_");
    }
}
