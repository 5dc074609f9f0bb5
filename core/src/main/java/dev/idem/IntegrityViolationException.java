package dev.idem;

/**
 * The database refused the row for a reason other than the declared key already existing: a foreign
 * key with no parent row, a NOT NULL or CHECK constraint, or a conflict on a different unique constraint.
 * Nothing was written. {@link #constraint()} names the constraint when the database said which.
 */
public final class IntegrityViolationException extends IdemException {

    private static final long serialVersionUID = 1L;

    private final String constraint;

    public IntegrityViolationException(String message, String constraint, Throwable cause) {
        super(message, cause);
        this.constraint = constraint;
    }

    /** The constraint or index the database named, or {@code null} when it named none. */
    public String constraint() {
        return constraint;
    }
}
