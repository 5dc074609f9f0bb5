package dev.idem.lab.bench;

import dev.idem.lab.Databases;
import dev.idem.lab.Documents;
import dev.idem.testing.Servers;
import dev.idem.testing.Target;
import dev.idem.testing.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code race-lab bench}: runs the {@link Benchmark} on each database, each on a fresh
 * {@link TestDatabase}, and prints the table or writes the JSON document.
 */
@Command(name = "bench", aliases = "benchmark", sortOptions = false,
        description = "Measures Idem's calls per second next to the raw JDBC statement each call stands for (its floor), on"
                + " each database, in the same run, and reports the ratio: idem-hit against a prepared select by key, "
                + "idem-miss against a prepared insert, addLink and addLinks against raw inserts of the pairs. A "
                + "default run takes about a minute per database; the machine should be otherwise idle. (race-lab "
                + "--benchmark, as before, runs this command.)")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--databases", split = ",", paramLabel = "LIST", description = "sqlite, h2, postgresql, postgresql-16, postgresql-18, mariadb, mariadb-11, mysql, or all (default: sqlite, h2, postgresql and every server given by IDEM_<DB>_URL; IDEM_DATABASES also selects)")
    List<String> databases = new ArrayList<>();

    @Option(names = "--workers", split = ",", paramLabel = "LIST", description = "concurrent callers, 1 to 64, one run per number (default: 1,4,16)")
    List<Integer> workers = new ArrayList<>(List.of(1, 4, 16));

    @Option(names = "--seconds", paramLabel = "S", description = "time measured per operation, decimals allowed (default: ${DEFAULT-VALUE})")
    double seconds = 2;

    @Option(names = "--warmup", paramLabel = "S", description = "untimed calls per operation before measuring, in seconds (default: ${DEFAULT-VALUE})")
    double warmUp = 0.5;

    @Option(names = "--durable", description = "measure with durable commits, fsync on, as production servers run: the servers the"
            + " benchmark starts itself (through scripts/databases.sh) commit durably; a server given by IDEM_<DB>_URL must have been"
            + " started so (IDEM_DURABLE=true scripts/databases.sh start ...), or it is skipped. SQLite and H2 run as always; every"
            + " database's durability is reported either way")
    boolean durable;

    @Option(names = "--only", split = ",", paramLabel = "IDS", description = "measure only the groups holding these operations"
            + " (ids as the table names them, e.g. idem-all-1000), each with its floor and the rest of its group (default: every group)")
    List<String> only = new ArrayList<>();

    @Option(names = "--json", arity = "0..1", fallbackValue = "-", paramLabel = "FILE",
            description = "write the JSON document to FILE, or without FILE to standard output instead of the table")
    Path json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Spec
    CommandSpec spec;

    /** The command as the command line gives it, validated; for tests. */
    static BenchCommand parse(String... args) {
        BenchCommand command = CommandLine.populateCommand(new BenchCommand(), args);
        command.settings();
        command.targets();
        return command;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Benchmark.Settings settings;
        List<Target> targets;
        try {
            settings = settings();
            targets = targets();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (settings.durable()) {
            System.setProperty(Servers.DURABLE, "true"); // read when a server is started, which has not happened yet
        }
        BenchmarkReport report = measure(targets, settings, msg -> {
            err.println("race-lab: bench " + msg);
            err.flush();
        });
        boolean jsonToStdout = json != null && json.toString().equals("-");
        out.print(jsonToStdout ? report.json() : report.text());
        out.flush();
        if (json != null && !jsonToStdout) {
            try {
                Documents.write(json, report.json());
                err.println("race-lab: wrote " + json);
            } catch (IOException e) {
                err.println("race-lab: " + e.getMessage());
                return 2;
            }
        }
        return report.rows().stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
    }

    /**
     * What to measure and how long.
     *
     * @throws IllegalArgumentException for a value out of range
     */
    Benchmark.Settings settings() {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("--workers needs at least one number");
        }
        for (int n : workers) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("--workers must be between 1 and 64, got " + n);
            }
        }
        for (String id : only) {
            if (!Benchmark.ids().contains(id)) {
                throw new IllegalArgumentException("--only: no operation " + id + "; the operations are " + String.join(", ", Benchmark.ids()));
            }
        }
        return new Benchmark.Settings(workers.stream().distinct().toList(), seconds("--seconds", seconds, 0.01), seconds("--warmup", warmUp, 0),
                durable, List.copyOf(only));
    }

    /** The databases to measure, in report order. */
    List<Target> targets() {
        return Databases.choose(Databases.parse(databases), Servers.explicitSelection(), Databases.QUICK);
    }

    /** Every database in {@code targets} that can be had, each on a fresh database; one that fails is reported, not dropped. */
    static BenchmarkReport measure(List<Target> targets, Benchmark.Settings settings, Consumer<String> progress) {
        Instant startedAt = Instant.now();
        List<Databases.Status> statuses = new ArrayList<>();
        List<BenchmarkReport.Row> rows = new ArrayList<>();
        List<Durability> durability = new ArrayList<>();
        for (Target target : targets) {
            String problem = Databases.problem(target);
            if (problem == null) {
                try (TestDatabase db = new TestDatabase(target)) {
                    Durability d = Durability.of(db);
                    if (settings.durable() && !d.durable() && target.engine().isServer()) {
                        throw new NotDurable(target.id() + " does not commit durably (" + d.settings() + "): unset its URL so that the"
                                + " benchmark starts a durable server, or start it with IDEM_DURABLE=true test-suite/scripts/databases.sh start");
                    }
                    List<BenchmarkReport.Row> measured = Benchmark.run(db, settings, progress);
                    rows.addAll(measured);
                    durability.add(d);
                    statuses.add(new Databases.Status(target.id(), true, measured.get(0).version(), null));
                    continue;
                } catch (NotDurable e) {
                    problem = e.getMessage();
                } catch (Exception e) {
                    problem = "the benchmark could not complete: " + e;
                }
            }
            progress.accept("skipping " + target.id() + ": " + problem);
            statuses.add(new Databases.Status(target.id(), false, null, problem));
        }
        return new BenchmarkReport(startedAt, settings, statuses, rows, durability);
    }

    /** A server that would make the durable ratios lie. */
    private static final class NotDurable extends Exception {
        NotDurable(String message) {
            super(message);
        }
    }

    private static Duration seconds(String option, double s, double min) {
        if (!(s >= min && s <= 3600)) {
            throw new IllegalArgumentException(option + " must be between " + min + " and 3600, got " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
