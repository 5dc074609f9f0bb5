package dev.idem;

/**
 * The connection was lost after a write was sent and before the database's answer came back: the write
 * may or may not have taken effect, and no one can tell from this side of the connection. Idem does not
 * guess. It throws this when a write that must not be applied twice lost its connection in flight (a
 * one-statement {@code increment}; the {@code COMMIT} of an {@code update}, {@code updateAll} or
 * {@code inTransaction}), or a statement of the caller's connection in auto-commit mode did; and when a
 * retry on a new connection cannot prove that the lost attempt wrote nothing: a {@code getOrCreate},
 * {@code getOrCreateAll} or {@code updateOrCreate} whose retry found a row (it may be the row the lost
 * attempt created), an {@code addLink} whose retry found the link, a {@code finish}, {@code release} or
 * {@code renew} whose retry found the claim already ended (the lost write may have ended it).
 *
 * <p>What is known: the operation took effect at most once (the key admits one row, the pair one link, the
 * claim's token one finish; an increment or an update was not run again), and nothing was half-written (an
 * operation of several statements is one transaction, a transfer whole or absent). Running an idempotent
 * operation again is safe and returns the row as stored; only "did <em>this</em> call do it" has no answer.
 * An increment or an update must be checked before it is run again. A transaction of the caller's whose
 * connection was lost before its commit is not reported with this exception: the database rolled it back,
 * so nothing of it took effect.
 */
public final class OutcomeUnknownException extends IdemException {

    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
