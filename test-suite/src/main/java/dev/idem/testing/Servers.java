package dev.idem.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds each client-server database once per JVM, trying in order: an explicit JDBC URL in the
 * environment, a local server started from installed binaries by {@code test-suite/scripts/databases.sh},
 * and Testcontainers when a Docker engine answers. A database none of them provides is reported
 * {@linkplain Availability#missing missing} with a message that says how to provide it.
 */
public final class Servers {

    /** Comma-separated engine ids to run (environment or system property); all of them when unset. */
    public static final String SELECTION = "IDEM_DATABASES";
    /** Set to {@code false} to stop the tests from starting local servers themselves. */
    public static final String LOCAL_SERVERS = "IDEM_LOCAL_SERVERS";
    private static final String SCRIPT_PROPERTY = "idem.databases.script";

    private static final Map<Engine, Availability> RESOLVED = new ConcurrentHashMap<>();

    private Servers() {
    }

    /** The outcome of looking for one database. */
    public record Availability(Engine engine, Server server, String problem, boolean broken) {

        static Availability found(Server server) {
            return new Availability(server.engine(), server, null, false);
        }

        static Availability missing(Engine engine, String problem) {
            return new Availability(engine, null, problem, false);
        }

        static Availability broken(Engine engine, String problem) {
            return new Availability(engine, null, problem, true);
        }

        public boolean available() {
            return server != null;
        }
    }

    /** The engines selected for this run, in declaration order. */
    public static Set<Engine> selected() {
        String list = setting(SELECTION);
        if (list == null || list.isBlank()) {
            return EnumSet.allOf(Engine.class);
        }
        Set<Engine> engines = EnumSet.noneOf(Engine.class);
        for (String id : list.split(",")) {
            if (!id.isBlank()) {
                engines.add(Engine.fromId(id));
            }
        }
        return engines;
    }

    /** True when running in CI, where a missing server database fails the build instead of skipping. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Looks for the server of {@code engine} once; later calls return the same answer. */
    public static Availability availability(Engine engine) {
        if (!engine.isServer()) {
            throw new IllegalArgumentException(engine + " is embedded, not a server");
        }
        return RESOLVED.computeIfAbsent(engine, Servers::resolve);
    }

    private static Availability resolve(Engine engine) {
        List<String> tried = new ArrayList<>();
        String url = setting(engine.urlVariable());
        if (url != null && !url.isBlank()) {
            Server server = new Server(engine, url, orEmpty(setting(engine.userVariable())),
                    orEmpty(setting(engine.passwordVariable())), "from " + engine.urlVariable());
            return verified(server, true);
        }
        tried.add(engine.urlVariable() + " is not set");

        Availability local = startLocal(engine, tried);
        if (local != null) {
            return local;
        }
        Availability container = Containers.start(engine, tried);
        if (container != null) {
            return container;
        }
        String problem = engine.id() + " is not available (" + String.join("; ", tried) + "). Provide it by one of: "
                + "export " + engine.urlVariable() + "=jdbc:... with " + engine.userVariable() + " and "
                + engine.passwordVariable() + " (a user allowed to create and drop databases); "
                + (engine == Engine.MYSQL ? "" : "install its server package and run eval \"$(test-suite/scripts/databases.sh start)\"; ")
                + "or start a Docker engine so that Testcontainers can run " + engine.image() + ".";
        System.err.println("[idem] " + problem);
        return Availability.missing(engine, problem);
    }

    private static Availability startLocal(Engine engine, List<String> tried) {
        if (engine != Engine.POSTGRESQL && engine != Engine.MARIADB) {
            tried.add("no local server script for " + engine.id());
            return null;
        }
        if ("false".equalsIgnoreCase(setting(LOCAL_SERVERS))) {
            tried.add(LOCAL_SERVERS + "=false");
            return null;
        }
        String script = System.getProperty(SCRIPT_PROPERTY);
        if (script == null || !Files.isRegularFile(Path.of(script))) {
            tried.add("local server script not found");
            return null;
        }
        try {
            Path state = Files.createTempDirectory("idem-databases-");
            Process process = new ProcessBuilder("bash", script, "start", "--no-install", "--state", state.toString(), engine.id())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                tried.add("local server did not start (see the script's messages above)");
                return null;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopLocal(script, state)));
            Map<String, String> env = parseExports(out);
            Server server = new Server(engine, env.get(engine.urlVariable()), orEmpty(env.get(engine.userVariable())),
                    orEmpty(env.get(engine.passwordVariable())), "local server started from installed binaries");
            return verified(server, true);
        } catch (IOException e) {
            tried.add("local server script failed: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void stopLocal(String script, Path state) {
        try {
            new ProcessBuilder("bash", script, "stop", "--state", state.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(2, TimeUnit.MINUTES);
        } catch (IOException e) {
            System.err.println("[idem] could not stop local servers in " + state + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, String> parseExports(String out) {
        Map<String, String> env = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("export ") && line.contains("=")) {
                String assignment = line.substring("export ".length());
                int eq = assignment.indexOf('=');
                String value = assignment.substring(eq + 1).trim();
                if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'") || value.startsWith("\"") && value.endsWith("\""))) {
                    value = value.substring(1, value.length() - 1);
                }
                env.put(assignment.substring(0, eq).trim(), value);
            }
        }
        return env;
    }

    /** Connects once and prints the version, so every run's log says exactly what it tested. */
    static Availability verified(Server server, boolean explicit) {
        try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password())) {
            var meta = c.getMetaData();
            System.err.println("[idem] " + server.engine().id() + ": " + meta.getDatabaseProductName() + " "
                    + meta.getDatabaseProductVersion() + ", " + server.origin());
            return Availability.found(server);
        } catch (SQLException e) {
            String problem = "cannot connect to " + server + ": " + e.getMessage();
            System.err.println("[idem] " + problem);
            return explicit ? Availability.broken(server.engine(), problem) : Availability.missing(server.engine(), problem);
        }
    }

    static String setting(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
