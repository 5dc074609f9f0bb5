package dev.idem;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The race-free operations. {@link Idem} runs each in a transaction of its own on a connection from its
 * data source; {@link Idem#on(java.sql.Connection)} runs them inside the caller's transaction.
 */
public interface Operations {

    /**
     * Returns the row of {@code table} whose key columns hold {@code key}, inserting it with
     * {@code key} and {@code defaults} when there is none. Concurrent callers with the same key get the
     * same row, and exactly one of them gets {@code created() == true}. When the row exists, this costs
     * one SELECT and writes nothing.
     *
     * @param key a value for each of the table's key columns, none of them {@code null}
     * @param defaults values for other columns, written only when the row is created
     * @throws IllegalArgumentException when a key value is missing or {@code null}, or a column is named in both
     * @throws SchemaMismatchException when the table, a column, or a unique constraint on the key is missing
     * @throws IntegrityViolationException when the database refuses the new row for another reason
     * @throws RetryTransactionException when only running the caller's whole transaction again can succeed
     */
    Got getOrCreate(Table table, Values key, Values defaults);

    /** {@link #getOrCreate(Table, Values, Values)} with no defaults. */
    default Got getOrCreate(Table table, Values key) {
        return getOrCreate(table, key, Values.empty());
    }

    /**
     * Links {@code owner} to {@code target} unless they are linked already. One statement.
     *
     * @return true when this call added the link, false when it existed (nothing is written then)
     * @throws IntegrityViolationException when a side does not exist (a foreign key) or another constraint refuses the row
     */
    boolean addLink(LinkTable table, Object owner, Object target);

    /** Links {@code owner} to each of {@code targets}, reporting which links are new. */
    Linked addLinks(LinkTable table, Object owner, Collection<?> targets);

    /** Removes the link; true when it existed. */
    boolean removeLink(LinkTable table, Object owner, Object target);

    /**
     * Reads the row of {@code table} whose key columns hold {@code key} under a lock (a locking read,
     * {@code FOR UPDATE}; on SQLite the write lock of an IMMEDIATE transaction), applies {@code change} to
     * it, writes the columns the change returns, and returns the row as stored. A concurrent update of the
     * same row waits for this one, so no update is lost: the read-compute-save of {@code points += n} made
     * safe when the computation is too complex for one SQL expression. A locking read and a write.
     *
     * <p>{@code change} may run more than once: when the database fails the transaction (a deadlock, a
     * serialization failure under REPEATABLE READ, {@code SQLITE_BUSY}), Idem runs the whole update again
     * on the newest row. It must have no side effects and should return the same answer for the same row.
     * It may throw to refuse the change; then nothing is written and the exception reaches the caller as it was.
     *
     * @param change the columns to set, computed from the locked row; {@link Values#empty()} writes nothing.
     *               It may not set key columns
     * @throws NoSuchRowException when no row has the key; nothing was written
     * @throws IntegrityViolationException when the database refuses the new values (a constraint)
     * @throws RetryTransactionException when only running the caller's whole transaction again can succeed
     */
    Row update(Table table, Values key, Function<? super Row, Values> change);

    /**
     * {@link #update} of several rows of one table at once, in one transaction: the rows are locked in
     * the order of their keys (numbers by value, other values by their text), whatever order the caller
     * names them in, so that two callers locking the same rows, such as two transfers A to B and B to A,
     * never deadlock each other. {@code change} sees the rows in the order of {@code keys} and returns
     * their new values in that order; the rows are returned as stored, in that order too.
     *
     * <p>When a key matches no row, or {@code change} throws (to refuse a transfer that would overdraw an
     * account, say), nothing is written, and the exception reaches the caller as it was. {@code change}
     * may run more than once, as for {@link #update}. One locking read per row, then one write per row
     * that changes.
     *
     * @throws IllegalArgumentException when a key is given twice, or {@code change} returns the wrong number of values
     * @throws NoSuchRowException when a key matches no row; nothing was written
     */
    List<Row> updateAll(Table table, List<Values> keys, Function<? super List<Row>, ? extends List<Values>> change);

    /**
     * Adds {@code delta} to {@code column} of the row whose key columns hold {@code key} in one atomic
     * statement ({@code SET column = column + ?}), and returns the row as stored. One statement on
     * PostgreSQL, SQLite and H2 ({@code RETURNING}); on MySQL and MariaDB, which have no
     * {@code UPDATE ... RETURNING}, the row is read back in the same transaction, under the update's lock.
     *
     * @throws NoSuchRowException when no row has the key
     * @throws IntegrityViolationException when the column is NULL (NULL plus anything is NULL), or the sum
     *         does not fit the column's type; nothing was written
     */
    Row increment(Table table, Values key, String column, long delta);

    /**
     * Afterwards the row of {@code table} whose key columns hold {@code key} holds {@code values}: it is
     * locked and updated when it exists, and created with {@code key} and {@code values} otherwise. Of
     * concurrent callers with the same key, when none finds the row, exactly one gets
     * {@code created() == true}; the row then holds the values of whichever caller wrote last. Only the
     * declared key decides: a conflict on another unique constraint is an {@link IntegrityViolationException}
     * naming it, never another row updated.
     *
     * @param values the other columns to write, not key columns
     */
    Got updateOrCreate(Table table, Values key, Values values);
}
