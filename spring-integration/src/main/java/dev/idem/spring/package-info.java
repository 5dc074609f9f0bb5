/**
 * Idem in Spring applications: {@link dev.idem.spring.SpringIdem} and {@link dev.idem.spring.SpringIdemSession}
 * join the current Spring transaction, {@link dev.idem.spring.IdemExceptionTranslator} turns Idem's exceptions
 * into Spring's, and {@link dev.idem.spring.IdemAutoConfiguration} declares them in a Spring Boot application.
 */
package dev.idem.spring;
