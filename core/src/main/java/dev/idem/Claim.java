package dev.idem;

import java.util.Objects;

/**
 * One row of a {@link Queue} handed to one worker by {@link Operations#claim}: the row as the claim left
 * it (its claim columns included), its key, and the fencing token that {@link Operations#finish},
 * {@link Operations#release} and {@link Operations#renew} present. Those succeed only while this very
 * claim holds the row: once its lease lapses and another worker claims the row, the row carries another
 * token and this claim can no longer change it.
 */
public final class Claim {

    private final Queue queue;
    private final Object key;
    private final String worker;
    private final String token;
    private final Row row;

    /** Made by Idem from a claimed row; public only for integrations. */
    public Claim(Queue queue, Object key, String worker, String token, Row row) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.key = Objects.requireNonNull(key, "key");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.token = Objects.requireNonNull(token, "token");
        this.row = Objects.requireNonNull(row, "row");
    }

    /** The queue the row was claimed from. */
    public Queue queue() {
        return queue;
    }

    /** The value of the row's key column, as the driver returned it. */
    public Object key() {
        return key;
    }

    /** The worker the row was claimed for. */
    public String worker() {
        return worker;
    }

    /** The fencing token stored in the claim token column; fresh and random for every claim. */
    public String token() {
        return token;
    }

    /** The row as stored right after the claim, with the lease's end as the database computed it. */
    public Row row() {
        return row;
    }

    @Override
    public String toString() {
        return "claim of " + queue.name() + " " + key + " by " + worker;
    }
}
