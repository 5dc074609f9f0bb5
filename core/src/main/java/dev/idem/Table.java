package dev.idem;

import dev.idem.internal.Identifiers;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table that rows are got or created in: its name, the columns that identify a row (the key, which a
 * unique constraint or unique index in the database must cover exactly), and optionally the column the
 * database generates a value for (an identity, serial or auto-increment column). Immutable; names are
 * validated here and matched against the database's catalog on first use.
 *
 * <pre>{@code
 * Table tag = Table.named("tag").key("title").generatedKey("id");
 * }</pre>
 */
public final class Table {

    private final String schema;
    private final String name;
    private final List<String> key;
    private final String generatedKey;
    private final int hash;

    private Table(String schema, String name, List<String> key, String generatedKey) {
        this.schema = schema;
        this.name = name;
        this.key = key;
        this.generatedKey = generatedKey;
        this.hash = Objects.hash(schema, name, key, generatedKey); // looked up on every call: computed once
    }

    /** The table called {@code name}, looked up the way the database folds unquoted names. */
    public static Table named(String name) {
        return new Table(null, Identifiers.check("table", name), List.of(), null);
    }

    /** The same table in an explicit schema (a database, on MySQL and MariaDB). */
    public Table inSchema(String schema) {
        return new Table(Identifiers.check("schema", schema), name, key, generatedKey);
    }

    /** The columns whose values identify a row. */
    public Table key(String... columns) {
        return new Table(schema, name, Identifiers.checkColumns("key", columns), generatedKey);
    }

    /** The column whose value the database generates on insert, returned by {@link Got#id()}. */
    public Table generatedKey(String column) {
        return new Table(schema, name, key, Identifiers.check("generated key column", column));
    }

    public Optional<String> schema() {
        return Optional.ofNullable(schema);
    }

    public String name() {
        return name;
    }

    public List<String> keyColumns() {
        return key;
    }

    public Optional<String> generatedKeyColumn() {
        return Optional.ofNullable(generatedKey);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Table t && hash == t.hash && Objects.equals(schema, t.schema) && name.equals(t.name) && key.equals(t.key)
                && Objects.equals(generatedKey, t.generatedKey);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return (schema == null ? "" : schema + ".") + name + key;
    }
}
