package dev.idem.lab;

import dev.idem.testing.Engine;
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
record LabOptions(List<Engine> databases, List<String> scenarios, List<String> strategies, List<String> isolations,
                  int workers, int rounds, Duration think, Path json, Path html, boolean check, boolean help) {

    static final int DEFAULT_WORKERS = 8;
    static final int DEFAULT_ROUNDS = 100;
    /** The embedded databases first: they always run, so they report first. */
    static final List<Engine> ORDER = List.of(Engine.SQLITE, Engine.H2, Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL);

    static final String USAGE = """
            Usage: race-lab [options]

            Races each scenario from the users' threads on real databases, naive code next to Idem, and
            reports duplicates, errors by class, throughput and latency for each.

              --databases LIST    sqlite,h2,postgresql,mariadb,mysql (default: all; IDEM_DATABASES also narrows).
                                  A server database is taken from IDEM_<DB>_URL/_USER/_PASSWORD, a local server
                                  (test-suite/scripts/databases.sh) or Docker; one that cannot be found is skipped.
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
            List<Engine> databases = List.of();
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
                case "--databases" -> o.databases = CommandLine.list(value).stream().map(Engine::fromId).toList();
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

    /** The databases to run, in report order: those named, else those IDEM_DATABASES selects, else all. */
    List<Engine> engines(Set<Engine> environmentSelection) {
        return ORDER.stream().filter(e -> databases.isEmpty() ? environmentSelection.contains(e) : databases.contains(e)).toList();
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
