/**
 * The dialect contract: what Idem needs to know about a database to write race-free SQL for it.
 * Idem ships one dialect per supported database; implement {@link dev.idem.spi.Dialect} only to teach it
 * another one, and pass it to {@link dev.idem.Idem#create(javax.sql.DataSource, dev.idem.spi.Dialect)}.
 * {@link dev.idem.spi.BoundValue} lets an integration bind values with its own type system.
 */
package dev.idem.spi;
