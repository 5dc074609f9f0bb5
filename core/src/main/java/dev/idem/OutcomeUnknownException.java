package dev.idem;

/**
 * The connection was lost after a write was sent and before the database's answer came back: the write
 * may or may not have taken effect, and no one can tell from this side of the connection. Idem does not
 * guess. It throws this when a statement that commits by itself (auto-commit mode) or a {@code COMMIT}
 * lost its connection, and when a retry on a new connection cannot prove that the lost attempt wrote
 * nothing: a {@code getOrCreate} whose retry found the row (it may be the row the lost attempt created),
 * an {@code addLink} whose retry found the link.
 *
 * <p>What is known: the operation took effect at most once (the key admits one row, the pair one link),
 * and nothing was half-written (an operation of several statements is one transaction). Running it again
 * is safe and returns the row as stored; only "did <em>this</em> call create it" has no answer. A
 * transaction of the caller's whose connection was lost before its commit is not reported with this
 * exception: the database rolled it back, so nothing of it took effect.
 */
public final class OutcomeUnknownException extends IdemException {

    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
