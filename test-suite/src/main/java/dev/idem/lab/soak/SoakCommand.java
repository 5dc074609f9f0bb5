package dev.idem.lab.soak;

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
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code race-lab soak}: a mixed workload of every operation on many keys with a few hot ones, from many
 * workers, for a number of operations or a time, recording every answer; then a history check against the
 * database. Exits 1 when a check found a violation, a call failed unexpectedly, or a database did not run.
 */
@Command(name = "soak", sortOptions = false,
        description = "Runs every operation at once (get-or-create, getOrCreateAll, updateOrCreate, addLink, addLinks, removeLink, "
                + "claim and finish, updateAll transfers, increment), in Idem's own transactions and in the caller's, from many workers "
                + "on many keys with a few hot ones, recording every answer; then checks the history against the database: one row "
                + "and one creator per key, every link once, every queue row finished once, counters and balances exact.")
public final class SoakCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--databases", split = ",", paramLabel = "LIST", description = "sqlite, h2, postgresql, postgresql-16, postgresql-18, mariadb, mariadb-11, mysql, or all (default: sqlite, h2, postgresql and every server given by IDEM_<DB>_URL; IDEM_DATABASES also selects)")
    List<String> databases = new ArrayList<>();

    @Option(names = "--operations", paramLabel = "N", description = "calls per database, all workers together (default: "
            + SoakSettings.DEFAULT_OPERATIONS + " when --duration is not given either)")
    Long operations;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "how long each database runs: 60s, 5m, 1h, 500ms, or seconds; with --operations, whichever comes first")
    Duration duration;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the workers' choices (default: a random one, printed)")
    Long seed;

    @Option(names = "--workers", paramLabel = "N", description = "concurrent callers per database, 1 to 128 (default: ${DEFAULT-VALUE})")
    int workers = 16;

    @Option(names = "--keys", paramLabel = "N", description = "tags to get or create, 10 to 10,000,000; links, counters and accounts"
            + " follow (keys/20 link owners of 20 targets, keys/50 counters, keys/100 accounts) (default: ${DEFAULT-VALUE})")
    int keys = 10_000;

    @Option(names = "--parallel", description = "run the databases at the same time, each with its own pool and workers")
    boolean parallel;

    @Option(names = "--naive", description = "run the naive code of the users' threads instead of Idem (select then insert, read-modify-write,"
            + " select then update), to see the check report what it does")
    boolean naive;

    @Option(names = "--json", arity = "0..1", fallbackValue = "-", paramLabel = "FILE",
            description = "write the JSON document to FILE, or without FILE to standard output instead of the summary")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "write a self-contained HTML page of the results")
    Path html;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Spec
    CommandSpec spec;

    /** The command as the command line gives it, validated; for tests. */
    static SoakCommand parse(String... args) {
        SoakCommand command = CommandLine.populateCommand(new SoakCommand(), args);
        command.settings();
        return command;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SoakSettings settings;
        List<Target> targets;
        try {
            settings = settings();
            targets = Databases.choose(Databases.parse(databases), Servers.explicitSelection(), Databases.QUICK);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Consumer<String> progress = line -> {
            synchronized (err) {
                err.println("race-lab: soak " + line);
                err.flush();
            }
        };
        progress.accept("seed " + settings.seed());
        SoakReport report = run(targets, settings, progress);
        boolean jsonToStdout = json != null && json.toString().equals("-");
        out.print(jsonToStdout ? report.json() : report.text());
        out.flush();
        try {
            if (json != null && !jsonToStdout) {
                Documents.write(json, report.json());
                err.println("race-lab: wrote " + json);
            }
            if (html != null) {
                Documents.write(html, report.html());
                err.println("race-lab: wrote " + html);
            }
        } catch (IOException e) {
            err.println("race-lab: " + e.getMessage());
            return 2;
        }
        return report.passed() ? 0 : 1;
    }

    /**
     * What to run.
     *
     * @throws IllegalArgumentException for a value out of range
     */
    SoakSettings settings() {
        if (workers < 1 || workers > 128) {
            throw new IllegalArgumentException("--workers must be between 1 and 128, got " + workers);
        }
        if (keys < 10 || keys > 10_000_000) {
            throw new IllegalArgumentException("--keys must be between 10 and 10000000, got " + keys);
        }
        if (operations != null && operations < 1) {
            throw new IllegalArgumentException("--operations must be at least 1, got " + operations);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive, got " + duration);
        }
        if (seed == null) {
            seed = ThreadLocalRandom.current().nextLong(1, 1_000_000_000);
        }
        return new SoakSettings(operations, duration, seed, workers, keys, naive, parallel);
    }

    /**
     * Every database in {@code targets} that can be had, each on a fresh database, one after the other or all at
     * once; one that cannot be had, or whose run breaks, is reported, not dropped.
     */
    static SoakReport run(List<Target> targets, SoakSettings settings, Consumer<String> progress) {
        Instant startedAt = Instant.now();
        List<Databases.Status> statuses = new ArrayList<>();
        List<Target> available = new ArrayList<>();
        for (Target target : targets) {
            String problem = Databases.problem(target); // may start a local server: one at a time
            if (problem == null) {
                available.add(target);
            } else {
                progress.accept("skipping " + target.id() + ": " + problem);
                statuses.add(new Databases.Status(target.id(), false, null, problem));
            }
        }
        List<SoakResult> results = new ArrayList<>();
        ExecutorService executor = Executors.newFixedThreadPool(settings.parallel() ? Math.max(1, available.size()) : 1);
        try {
            List<Future<SoakResult>> futures = new ArrayList<>();
            for (Target target : available) {
                futures.add(executor.submit(() -> {
                    progress.accept(target.id() + ": started");
                    try (TestDatabase db = new TestDatabase(target)) {
                        SoakResult result = Soak.run(db, settings, progress);
                        progress.accept(String.format(Locale.ROOT, "%s: %,d operations, %,.0f/s, %,d violations, %,d errors", target.id(),
                                result.operations(), result.throughput(), result.violationCount(), result.errorCount()));
                        return result;
                    }
                }));
            }
            for (int i = 0; i < available.size(); i++) {
                Target target = available.get(i);
                try {
                    SoakResult result = futures.get(i).get();
                    results.add(result);
                    statuses.add(new Databases.Status(target.id(), true, result.version(), null));
                } catch (ExecutionException e) {
                    String problem = "the soak could not complete: " + e.getCause();
                    progress.accept(target.id() + ": " + problem);
                    statuses.add(new Databases.Status(target.id(), false, null, problem));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        } finally {
            executor.shutdownNow();
        }
        List<Databases.Status> ordered = Databases.inOrder(statuses);
        List<SoakResult> sorted = new ArrayList<>();
        for (Databases.Status status : ordered) {
            results.stream().filter(r -> r.database().equals(status.database())).forEach(sorted::add);
        }
        return new SoakReport(startedAt, settings, ordered, sorted);
    }

    /** {@code 60s}, {@code 5m}, {@code 1h}, {@code 500ms}, or a number of seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is no duration: write 60s, 5m, 1h, 500ms or a number of seconds");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> n;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                default -> n * 1_000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
    }
}
