/**
 * Idem's API: {@link dev.idem.Idem} and the values it takes and returns. Everything public here is
 * supported; {@code dev.idem.internal} may change in any release.
 */
package dev.idem;
