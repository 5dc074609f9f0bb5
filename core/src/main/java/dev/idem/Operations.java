package dev.idem;

import java.time.Duration;
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
     * {@link #getOrCreate} of many rows at once, each with the same guarantees: concurrent callers of a key
     * get the same row, and exactly one of them, across all calls, gets {@code created() == true}. Each
     * {@code Values} holds the key columns and, optionally, other columns written only when that row is
     * created. Returns one {@code Got} per input, in input order. A key given twice gets one row; both
     * inputs get it, and only the first may have {@code created() == true} (the later one's other columns
     * are not applied). Every input is checked before anything is written. The keys are sent sorted into
     * one order, so that overlapping batches of concurrent callers never deadlock each other, in a few
     * statements per chunk of the database's parameter limit, never one per key (PostgreSQL: one statement
     * per chunk, however many rows); several chunks run as one transaction.
     *
     * @throws IllegalArgumentException when a row misses a key value or holds {@code null} in one
     * @throws SchemaMismatchException when the table, a column, or a unique constraint on the key is missing
     * @throws IntegrityViolationException when the database refuses a new row for another reason; nothing of the call is kept then
     * @throws RetryTransactionException when only running the caller's whole transaction again can succeed
     */
    List<Got> getOrCreateAll(Table table, List<Values> rows);

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
     * Claims up to {@code limit} waiting rows of {@code queue} for {@code worker}, the first ones in the
     * queue's order that no other worker holds, and returns them in that order (none when none wait).
     * Every row goes to exactly one caller; rows that other callers are claiming at the same moment are
     * skipped, never waited for ({@code FOR UPDATE SKIP LOCKED}; on SQLite one statement under the write
     * lock). Each claim holds its row until {@code lease} has passed on the database's clock; after that
     * the row is claimable again, whether or not its worker is still alive. One statement on PostgreSQL and
     * SQLite; a locking read and an update (and on MySQL and MariaDB a re-read) in one short transaction
     * elsewhere.
     *
     * @param worker a name for the claimant, stored in the claimed-by column
     * @param limit how many rows at most, 1 to 1,000
     * @param lease how long the claim holds each row, at least a millisecond; {@link #renew} extends it
     * @throws SchemaMismatchException when the table, a column, the key's unique constraint or (on MySQL and
     *         MariaDB) an index serving the eligible and order columns is missing, or a claim column cannot hold its value
     * @throws DatabaseException when the database cannot skip locked rows (MySQL before 8.0.1, MariaDB before
     *         10.6, SQLite before 3.35): Idem never falls back to a scan that waits on other workers' rows
     */
    List<Claim> claim(Queue queue, String worker, int limit, Duration lease);

    /**
     * Finishes a claimed row: writes {@code changes}, which must move the row out of the queue (change one
     * of its eligible columns), and ends the claim (clears the lease and the token; the claimed-by column
     * keeps the worker's name). Only while the claim still holds the row: after its lease lapsed, this
     * writes nothing and returns false, even when no other worker has claimed the row yet. One statement.
     *
     * @return true when the row was finished by this call; false when the claim no longer held it
     * @throws IllegalArgumentException when {@code changes} leave every eligible column as the queue waits for it,
     *         or name the key or a claim column
     * @throws OutcomeUnknownException when the connection was lost with the update in flight and a retry found the
     *         claim ended: the lost update may have finished the row; never a false {@code false}
     */
    boolean finish(Queue queue, Claim claim, Values changes);

    /**
     * Hands a claimed row back to the queue at once (clears its claim columns), writing {@code changes}
     * too (a retry counter, say). Only while the claim still holds the row; false, nothing written, otherwise.
     */
    boolean release(Queue queue, Claim claim, Values changes);

    /** {@link #release(Queue, Claim, Values)} that writes nothing else. */
    default boolean release(Queue queue, Claim claim) {
        return release(queue, claim, Values.empty());
    }

    /**
     * Extends a claim: its lease now ends {@code lease} from now on the database's clock. Only while the
     * claim still holds the row; false, nothing written, once its lease has lapsed. A worker that renews
     * well within its lease keeps its row for as long as it works on it.
     */
    boolean renew(Queue queue, Claim claim, Duration lease);

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
     * @throws OutcomeUnknownException when the connection was lost with the statement (or the COMMIT) in flight:
     *         it added once or not at all, and Idem does not run it again, which could add twice
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
