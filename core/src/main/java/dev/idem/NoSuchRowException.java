package dev.idem;

/**
 * No row of the table has the key an update named. Nothing was written: when several rows were to
 * change together, none of them did. {@link #table()} and {@link #key()} say which row was missing.
 */
public final class NoSuchRowException extends IdemException {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final transient Values key;

    public NoSuchRowException(String table, Values key) {
        super("No row of " + table + " has the key " + key + "; nothing was written", null);
        this.table = table;
        this.key = key;
    }

    /** The table, as the database's catalog names it. */
    public String table() {
        return table;
    }

    /** The key that matched no row, as the caller gave it. */
    public Values key() {
        return key;
    }
}
