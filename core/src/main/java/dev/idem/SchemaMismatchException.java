package dev.idem;

/**
 * The declared table cannot be served race-free as it stands: the table or a column does not exist, a
 * name matches several, or no unique constraint or unique index covers exactly the key columns. Raised
 * before any data is touched; fix the schema or the {@link Table} / {@link LinkTable} declaration.
 */
public final class SchemaMismatchException extends IdemException {

    private static final long serialVersionUID = 1L;

    public SchemaMismatchException(String message) {
        super(message, null);
    }

    public SchemaMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
