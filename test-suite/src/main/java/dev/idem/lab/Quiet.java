package dev.idem.lab;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the libraries' logging out of the lab's terminal output: Hibernate (through JBoss Logging),
 * Hikari and Testcontainers (through SLF4J) log at INFO by default, which would bury the table, and
 * Testcontainers logs an ERROR when there is no Docker engine, which the lab reports in a line of its
 * own. Warnings still show. Runs before any of those libraries is loaded; a level given with
 * {@code -D} wins.
 */
final class Quiet {

    private Quiet() {
    }

    static void libraries() {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.testcontainers", "off");
        // JBoss Logging would pick java.util.logging here; send Hibernate to SLF4J's simple logger with the rest.
        setDefault("org.jboss.logging.provider", "slf4j");
        // Whatever still logs through java.util.logging (a driver, or JBoss Logging if told otherwise): warnings only.
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
