package dev.idem.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The race lab's command line: races each scenario from the users' threads on real databases, naive
 * code next to Idem, and prints a table (or writes JSON and HTML). Run {@code ./race-lab --help}.
 * SQLite and H2 always run; PostgreSQL, MariaDB and MySQL run when
 * {@link dev.idem.testing.Servers} finds them. {@code --benchmark} measures Idem's speed against the raw
 * statements instead ({@link BenchmarkCommand}).
 */
public final class RaceLab {

    private RaceLab() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the lab as the command line would, and returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (Arrays.asList(args).contains("--benchmark")) {
            return benchmark(args, out, err);
        }
        LabOptions options;
        try {
            options = LabOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("race-lab: " + e.getMessage());
            err.print(LabOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(LabOptions.USAGE);
            return 0;
        }
        quietLibraries();
        findDatabasesScript();
        Report report = new Lab(options, new ConsoleProgress(err, System.console() != null)).run();
        try {
            boolean jsonToStdout = options.json() != null && options.json().toString().equals("-");
            if (jsonToStdout) {
                out.print(JsonReport.render(report));
            } else {
                out.print(TextReport.render(report));
            }
            if (options.json() != null && !jsonToStdout) {
                write(options.json(), JsonReport.render(report));
                err.println("race-lab: wrote " + options.json());
            }
            if (options.html() != null) {
                write(options.html(), HtmlReport.render(report));
                err.println("race-lab: wrote " + options.html());
            }
        } catch (IOException e) {
            err.println("race-lab: " + e.getMessage());
            return 2;
        }
        return options.check() && !report.broken().isEmpty() ? 1 : 0;
    }

    private static int benchmark(String[] args, PrintStream out, PrintStream err) {
        BenchmarkCommand command;
        try {
            command = BenchmarkCommand.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("race-lab: " + e.getMessage());
            err.print(BenchmarkCommand.USAGE);
            return 2;
        }
        if (!command.help()) {
            quietLibraries();
            findDatabasesScript();
        }
        return command.run(out, err);
    }

    private static void write(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /**
     * Hikari and Testcontainers log at INFO by default, which would bury the table; Testcontainers even
     * logs an ERROR when there is no Docker engine, which the lab reports in a line of its own.
     */
    private static void quietLibraries() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.org.testcontainers",
                System.getProperty("org.slf4j.simpleLogger.log.org.testcontainers", "off"));
    }

    /**
     * Points the database facility at test-suite/scripts/databases.sh, which starts local servers from
     * installed binaries; the jar lives in test-suite/target, the script two levels up from it.
     */
    private static void findDatabasesScript() {
        String property = "idem.databases.script";
        if (System.getProperty(property) != null) {
            return;
        }
        try {
            Path code = Path.of(RaceLab.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = code; dir != null; dir = dir.getParent()) {
                Path script = dir.resolve("scripts/databases.sh");
                if (Files.isRegularFile(script)) {
                    System.setProperty(property, script.toString());
                    return;
                }
            }
        } catch (Exception e) {
            // Without the script the lab still runs; the local-server provider says it was not found.
        }
    }
}
