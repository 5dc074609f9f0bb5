package dev.idem.testing;

import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Starts a database in Docker through Testcontainers, when a Docker engine answers. */
final class Containers {

    private Containers() {
    }

    static Servers.Availability start(Target target, List<String> tried) {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (!docker) {
            tried.add("no Docker engine for Testcontainers");
            return null;
        }
        String image = target.image();
        JdbcDatabaseContainer<?> container = switch (target.engine()) {
            case POSTGRESQL -> new PostgreSQLContainer(image).withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
            case MYSQL -> new MySQLContainer(image).withUsername("root").withPassword("idem")
                    .withCommand("--max-connections=300");
            case MARIADB -> new MariaDBContainer(image).withUsername("root").withPassword("idem")
                    .withCommand("--max-connections=300");
            default -> throw new IllegalArgumentException(target.id());
        };
        try {
            container.start();
        } catch (RuntimeException e) {
            tried.add("Testcontainers could not start " + image + ": " + e.getMessage());
            return null;
        }
        String url = container.getJdbcUrl();
        if (target.engine() == Engine.MARIADB) {
            // The tests reach MariaDB through Connector/J, as most applications do.
            url = url.replaceFirst("^jdbc:mariadb:", "jdbc:mysql:");
        }
        Server server = new Server(target, url, container.getUsername(), container.getPassword(), "Testcontainers " + image);
        return Servers.verified(server, false);
    }
}
