package dev.idem.lab;

import dev.idem.testing.Target;
import dev.idem.testing.Servers;
import dev.idem.testing.TestDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code race-lab --benchmark}: runs the {@link Benchmark} on each database, each on a fresh
 * {@link TestDatabase}, and prints the table or writes the JSON document.
 *
 * @param json where to write the JSON document; {@code -} for standard output; null for none
 */
record BenchmarkCommand(List<Target> databases, Benchmark.Settings settings, Path json, boolean help) {

    static final String USAGE = """
            Usage: race-lab --benchmark [options]

            Measures Idem's calls per second next to the raw JDBC statement each call stands for (its floor),
            on each database, in the same run, and reports the ratio: idem-hit against a prepared select by
            key, idem-miss against a prepared insert, addLink and addLinks against raw inserts of the pairs.
            A default run takes about a minute per database; the machine should be otherwise idle.

              --databases LIST    sqlite,h2,postgresql,mariadb,mysql (default: all; IDEM_DATABASES also narrows)
              --workers LIST      concurrent callers, one run per number (default 1,4)
              --seconds S         time measured per operation (default 2; decimals allowed)
              --warmup S          untimed calls per operation before measuring (default 0.5)
              --json [FILE]       write the JSON document to FILE, or to standard output instead of the table
              --help              this text
            """;

    static BenchmarkCommand parse(String... args) {
        var o = new Object() {
            List<Target> databases = List.of();
            List<Integer> workers = List.of(1, 4);
            Duration measure = Duration.ofSeconds(2);
            Duration warmUp = Duration.ofMillis(500);
            Path json;
            boolean help;
        };
        CommandLine.walk(args, Set.of("--benchmark", "--help", "-h"), (name, value) -> {
            switch (name) {
                case "--benchmark" -> { }
                case "--help", "-h" -> o.help = true;
                case "--json" -> o.json = Path.of(value);
                case "--databases" -> o.databases = CommandLine.list(value).stream().map(Target::fromId).toList();
                case "--workers" -> o.workers = CommandLine.list(value).stream().map(BenchmarkCommand::workers).distinct().toList();
                case "--seconds" -> o.measure = seconds(name, value, 0.01);
                case "--warmup" -> o.warmUp = seconds(name, value, 0);
                default -> throw new IllegalArgumentException("Unknown option '" + name + "' (with --benchmark)");
            }
        });
        List<Integer> workers = o.workers;
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("--workers needs at least one number");
        }
        return new BenchmarkCommand(o.databases, new Benchmark.Settings(workers, o.measure, o.warmUp), o.json, o.help);
    }

    /** Runs the benchmark as the command line would, and returns the exit status. */
    int run(PrintStream out, PrintStream err) {
        if (help) {
            out.print(USAGE);
            return 0;
        }
        BenchmarkReport report = measure(msg -> err.println("race-lab: benchmark " + msg));
        boolean jsonToStdout = json != null && json.toString().equals("-");
        out.print(jsonToStdout ? report.json() : report.text());
        if (json != null && !jsonToStdout) {
            try {
                Path parent = json.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(json, report.json(), StandardCharsets.UTF_8);
                err.println("race-lab: wrote " + json);
            } catch (IOException e) {
                err.println("race-lab: " + e.getMessage());
                return 2;
            }
        }
        return report.rows().stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
    }

    /** Every wanted database that can be had, each on a fresh database; one that fails is reported, not dropped. */
    BenchmarkReport measure(Consumer<String> progress) {
        Instant startedAt = Instant.now();
        List<Target> targets = LabOptions.targets(databases, Servers.explicitSelection());
        List<Report.DatabaseStatus> statuses = new ArrayList<>();
        List<BenchmarkReport.Row> rows = new ArrayList<>();
        for (Target target : targets) {
            String problem = Lab.problem(target);
            if (problem == null) {
                try (TestDatabase db = new TestDatabase(target)) {
                    List<BenchmarkReport.Row> measured = Benchmark.run(db, settings, progress);
                    rows.addAll(measured);
                    statuses.add(new Report.DatabaseStatus(target.id(), true, measured.get(0).version(), null));
                    continue;
                } catch (Exception e) {
                    problem = "the benchmark could not complete: " + e;
                }
            }
            progress.accept("skipping " + target.id() + ": " + problem);
            statuses.add(new Report.DatabaseStatus(target.id(), false, null, problem));
        }
        return new BenchmarkReport(startedAt, settings, statuses, rows);
    }

    private static int workers(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("--workers must be between 1 and 64, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--workers needs whole numbers, got '" + value + "'", e);
        }
    }

    private static Duration seconds(String option, String value, double min) {
        try {
            double s = Double.parseDouble(value.trim());
            if (!(s >= min && s <= 3600)) {
                throw new IllegalArgumentException(option + " must be between " + min + " and 3600, got " + value);
            }
            return Duration.ofMillis(Math.round(s * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number of seconds, got '" + value + "'", e);
        }
    }
}
