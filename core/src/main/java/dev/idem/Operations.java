package dev.idem;

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
}
