/**
 * Idem: race-free get-or-create and idempotent links on plain JDBC.
 * Exports the API ({@code dev.idem}) and the dialect contract ({@code dev.idem.spi}); nothing else.
 */
module dev.idem {
    requires transitive java.sql;

    exports dev.idem;
    exports dev.idem.spi;
}
