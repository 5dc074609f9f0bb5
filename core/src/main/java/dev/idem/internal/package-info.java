/**
 * Idem's implementation. Not API: any of it may change in any release, and the module does not export it.
 */
package dev.idem.internal;
