package dev.idem;

import dev.idem.internal.Identifiers;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A work queue kept in one of the application's own tables: which rows are waiting (the {@linkplain
 * #eligible(Values) eligible} column values), in which order they are handed out, and the three columns
 * where Idem records a claim. Immutable; names are validated here and checked against the catalog on
 * first use, before any row is touched.
 *
 * <pre>{@code
 * Queue tasks = Queue.named("task").key("id").eligible(Values.of("status", "new")).orderBy("id")
 *         .claimColumns("claimed_by", "claimed_until", "claim_token");
 * }</pre>
 *
 * <p>The table needs, besides its own columns:
 * <ul>
 *   <li>a key of one column with a unique constraint (the primary key, usually);</li>
 *   <li>{@code claimed_by}: a nullable text column, the worker's name;</li>
 *   <li>{@code claimed_until}: a nullable timestamp, the end of the lease on the database's clock
 *       ({@code timestamptz} on PostgreSQL, {@code DATETIME(6)} or {@code TIMESTAMP(6)} on MySQL and
 *       MariaDB, {@code TIMESTAMP WITH TIME ZONE} on H2, text on SQLite, where Idem writes UTC as
 *       {@code YYYY-MM-DD HH:MM:SS.SSS}); a column without a time zone holds UTC;</li>
 *   <li>{@code claim_token}: a nullable text column of at least 32 characters, the fencing token;</li>
 *   <li>an index whose leading columns are the eligible columns, then the order columns. On MySQL and
 *       MariaDB Idem refuses a queue without one: InnoDB locks every index record a locking read scans,
 *       so without it one worker would lock every waiting row and the others would find none.</li>
 * </ul>
 *
 * <p>A row is claimable when its eligible columns hold the eligible values and it is not claimed, or its
 * lease has lapsed: a row whose worker died goes back to the queue by itself when its lease ends.
 */
public final class Queue {

    private final String schema;
    private final String name;
    private final String key;
    private final Values eligible;
    private final List<String> orderBy;
    private final List<String> claimColumns;

    private Queue(String schema, String name, String key, Values eligible, List<String> orderBy, List<String> claimColumns) {
        this.schema = schema;
        this.name = name;
        this.key = key;
        this.eligible = eligible;
        this.orderBy = orderBy;
        this.claimColumns = claimColumns;
    }

    /**
     * The queue kept in table {@code name}, looked up the way the database folds unquoted names; until
     * said otherwise its key is {@code id} and its claim columns {@code claimed_by}, {@code claimed_until}
     * and {@code claim_token}.
     */
    public static Queue named(String name) {
        return new Queue(null, Identifiers.check("table", name), "id", Values.empty(), List.of(),
                List.of("claimed_by", "claimed_until", "claim_token"));
    }

    /** The same queue in an explicit schema (a database, on MySQL and MariaDB). */
    public Queue inSchema(String schema) {
        return new Queue(Identifiers.check("schema", schema), name, key, eligible, orderBy, claimColumns);
    }

    /** The column that identifies a row; a unique constraint must cover exactly it. */
    public Queue key(String column) {
        return new Queue(schema, name, Identifiers.check("key column", column), eligible, orderBy, claimColumns);
    }

    /**
     * The column values of a waiting row, for example {@code status = 'new'}; a {@code null} value means
     * {@code IS NULL}. At least one column: finishing a row must change one of them, or the row would be
     * handed out again.
     */
    public Queue eligible(Values values) {
        Objects.requireNonNull(values, "values");
        return new Queue(schema, name, key, values, orderBy, claimColumns);
    }

    /** The columns, ascending, in whose order waiting rows are handed out; the key when none are given. */
    public Queue orderBy(String... columns) {
        return new Queue(schema, name, key, eligible, Identifiers.checkColumns("order", columns), claimColumns);
    }

    /** The columns that hold the worker's name, the end of its lease and its fencing token. */
    public Queue claimColumns(String claimedBy, String claimedUntil, String claimToken) {
        return new Queue(schema, name, key, eligible, orderBy, Identifiers.checkColumns("claim", claimedBy, claimedUntil, claimToken));
    }

    public Optional<String> schema() {
        return Optional.ofNullable(schema);
    }

    public String name() {
        return name;
    }

    public String keyColumn() {
        return key;
    }

    public Values eligibleValues() {
        return eligible;
    }

    /** The order columns, or the key alone when none were given. */
    public List<String> orderColumns() {
        return orderBy.isEmpty() ? List.of(key) : orderBy;
    }

    public String claimedByColumn() {
        return claimColumns.get(0);
    }

    public String claimedUntilColumn() {
        return claimColumns.get(1);
    }

    public String claimTokenColumn() {
        return claimColumns.get(2);
    }

    /** This queue's table as a {@link Table} keyed on the queue's key, for the catalog check. */
    public Table asTable() {
        Table table = Table.named(name).key(key);
        return schema == null ? table : table.inSchema(schema);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Queue q && Objects.equals(schema, q.schema) && name.equals(q.name) && key.equals(q.key) && eligible.equals(q.eligible)
                && orderBy.equals(q.orderBy) && claimColumns.equals(q.claimColumns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, name, key, eligible, orderBy, claimColumns);
    }

    @Override
    public String toString() {
        return (schema == null ? "" : schema + ".") + name + " where " + eligible + " order by " + orderColumns();
    }
}
