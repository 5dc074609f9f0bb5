package dev.idem;

/**
 * What {@link Operations#getOrCreate} found or made. Of all callers that asked for the same key at
 * the same time, exactly one sees {@link #created()} true, and all of them see the same row.
 */
public final class Got {

    private final Row row;
    private final boolean created;
    private final String idColumn;

    public Got(Row row, boolean created, String idColumn) {
        this.row = row;
        this.created = created;
        this.idColumn = idColumn;
    }

    /** True when this call inserted the row; false when it already existed. */
    public boolean created() {
        return created;
    }

    /** The row as stored; when another caller created it, its defaults, not this caller's. */
    public Row row() {
        return row;
    }

    /** The value of the table's {@linkplain Table#generatedKey generated key} column. */
    public Object id() {
        if (idColumn == null) {
            throw new IllegalStateException("The table declares no generated key: declare it with Table.generatedKey(column), or read row()");
        }
        return row.get(idColumn);
    }

    /** {@link #id()} as a {@code long}, for numeric keys. */
    public long longId() {
        Object id = id();
        if (id instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalStateException("The generated key is " + (id == null ? "NULL" : id.getClass().getName()) + ", not a number");
    }

    @Override
    public String toString() {
        return (created ? "created " : "found ") + row;
    }
}
