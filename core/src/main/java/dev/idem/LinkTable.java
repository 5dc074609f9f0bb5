package dev.idem;

import dev.idem.internal.Identifiers;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A many-to-many link table: two columns, each pointing at one side, with a unique constraint or unique
 * index (often the primary key) covering exactly the pair. Immutable.
 *
 * <pre>{@code
 * LinkTable imageTags = LinkTable.named("image_tags").columns("image_id", "tag_id");
 * }</pre>
 */
public final class LinkTable {

    private final String schema;
    private final String name;
    private final List<String> columns;

    private LinkTable(String schema, String name, List<String> columns) {
        this.schema = schema;
        this.name = name;
        this.columns = columns;
    }

    public static LinkTable named(String name) {
        return new LinkTable(null, Identifiers.check("table", name), List.of());
    }

    /** The same link table in an explicit schema (a database, on MySQL and MariaDB). */
    public LinkTable inSchema(String schema) {
        return new LinkTable(Identifiers.check("schema", schema), name, columns);
    }

    /** The owning side's column first, then the other side's. */
    public LinkTable columns(String owner, String target) {
        return new LinkTable(schema, name, Identifiers.checkColumns("link", owner, target));
    }

    public Optional<String> schema() {
        return Optional.ofNullable(schema);
    }

    public String name() {
        return name;
    }

    public String ownerColumn() {
        requireColumns();
        return columns.get(0);
    }

    public String targetColumn() {
        requireColumns();
        return columns.get(1);
    }

    /** This link table as a {@link Table} keyed on the pair, for schema checks. */
    public Table asTable() {
        requireColumns();
        Table table = Table.named(name).key(columns.get(0), columns.get(1));
        return schema == null ? table : table.inSchema(schema);
    }

    private void requireColumns() {
        if (columns.isEmpty()) {
            throw new IllegalStateException("LinkTable '" + name + "' has no columns: declare them with .columns(owner, target)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkTable t && Objects.equals(schema, t.schema) && name.equals(t.name) && columns.equals(t.columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, name, columns);
    }

    @Override
    public String toString() {
        return (schema == null ? "" : schema + ".") + name + columns;
    }
}
