/**
 * Idem for Hibernate ORM 7: race-free get-or-create and idempotent many-to-many links at the entity
 * level, inside the session's own transaction. {@link dev.idem.hibernate.IdemSession} is the entry point;
 * everything package-private here may change without notice.
 */
package dev.idem.hibernate;
