package dev.idem.spi;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A value that binds itself to a statement parameter. Idem binds every other value with
 * {@link PreparedStatement#setObject(int, Object)}; an integration whose own type system knows better
 * (an ORM's binders, which apply time zones, native UUID and enum types, JSON) passes a {@code BoundValue}
 * in {@link dev.idem.Values} or as a link side, and the value is written exactly as the ORM writes it.
 */
public interface BoundValue {

    /** The value as the JDBC driver returns it when read back; Idem compares and orders link targets by it. */
    Object value();

    /** Binds this value to parameter {@code index} (1-based) of {@code statement}. */
    void bindTo(PreparedStatement statement, int index) throws SQLException;
}
