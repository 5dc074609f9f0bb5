package dev.idem;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

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
}
