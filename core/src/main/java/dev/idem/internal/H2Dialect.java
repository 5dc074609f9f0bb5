package dev.idem.internal;

import dev.idem.spi.Dialect;
import java.util.List;

/**
 * H2 2.x: {@code SELECT * FROM FINAL TABLE (INSERT ...)} returns the stored row; a duplicate raises
 * 23505 (or 90131 when the rows collided in flight), and Idem re-reads. Never MERGE, which raises
 * unique violations under concurrent inserts. A failed statement does not abort H2's transaction.
 */
final class H2Dialect implements Dialect {

    /** An unqualified name is looked for in the connection's current schema. */
    static final Catalog.Rules CATALOG = new Catalog.Rules(false, true, null, false, null);

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public String insertRow(String table, List<String> columns, List<String> key) {
        return "select * from final table (" + Dialect.super.insertRow(table, columns, key) + ")";
    }

    /**
     * A failed multi-row insert inside {@code FINAL TABLE (...)} keeps the rows before the failing one
     * (H2 2.5), so a link to a missing parent could half-succeed: links use a plain, atomic INSERT.
     */
    @Override
    public boolean returnsInsertedLinks() {
        return false;
    }

    @Override
    public boolean returnsInsertedRows() {
        return true;
    }

    /** H2 raises 22003 when the sum overflows the column. */
    @Override
    public String updateRow(String table, List<String> columns, List<String> key) {
        return "select * from final table (" + Dialect.super.updateRow(table, columns, key) + ")";
    }

    @Override
    public String incrementRow(String table, String column, List<String> key) {
        return "select * from final table (" + Dialect.super.incrementRow(table, column, key) + ")";
    }

    @Override
    public boolean returnsUpdatedRows() {
        return true;
    }

    @Override
    public boolean failedStatementAbortsTransaction() {
        return false;
    }
}
