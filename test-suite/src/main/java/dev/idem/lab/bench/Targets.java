package dev.idem.lab.bench;

import dev.idem.testing.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The speed targets Idem holds itself to, each a ratio of two operations measured in the same run, on
 * the same database with the same workers, and what the run measured for them. Where the raw statements
 * themselves cannot reach a target, the report gives that ceiling next to it: getOrCreateAll of 1,000 keys
 * cannot be more times faster than 1,000 single calls than the raw multi-row insert is, and an insert that
 * skips existing keys and returns the rows cannot be faster than the database's own clauses for that written by hand.
 */
final class Targets {

    /**
     * One goal: {@code operation}'s ops/s divided by {@code versus}'s is at least {@code atLeast}, on the
     * given engines (all when empty). {@code ceiling}: the operation whose ratio to {@code versus} bounds
     * what any implementation could reach, or null.
     */
    record Goal(String operation, String versus, double atLeast, Set<Engine> engines, String ceiling, String description) {

        boolean appliesTo(Engine engine) {
            return engines.isEmpty() || engines.contains(engine);
        }
    }

    /**
     * A target as one run measured it.
     *
     * @param ceiling the raw operation's ratio to {@code versus}, where it bounds the target; null otherwise
     */
    record Result(String database, int workers, Goal goal, double value, Double ceiling) {

        boolean met() {
            return value >= goal.atLeast();
        }

        /** Out of reach for this database: even the raw statement falls short of the target. */
        boolean outOfReach() {
            return ceiling != null && ceiling < goal.atLeast();
        }
    }

    static final List<Goal> ALL = List.of(
            new Goal("idem-hit", "floor-select", 0.9, Set.of(), null, "a hit at least 0.9x the prepared SELECT"),
            new Goal("idem-miss", "django-miss", 1.0, Set.of(), null, "a miss never slower than Django's pattern"),
            new Goal("idem-miss-tx", "django-miss-tx", 1.0, Set.of(), null, "in a transaction, a miss never slower than Django's savepoint pattern"),
            new Goal("idem-miss", "floor-insert", 0.85, Set.of(Engine.POSTGRESQL), null, "PostgreSQL: a miss at least 0.85x the prepared INSERT"),
            new Goal("idem-miss-tx", "django-miss-tx", 1.2, Set.of(Engine.POSTGRESQL), null,
                    "PostgreSQL: in a transaction, a miss at least 1.2x Django's savepoint pattern"),
            new Goal("idem-miss", "floor-insert", 0.7, Set.of(Engine.MARIADB), null, "MariaDB: a miss at least 0.7x the prepared INSERT"),
            new Goal("idem-all-1000", "idem-singles-1000", 30, Set.of(), "floor-insert-1000",
                    "getOrCreateAll of 1,000 new keys at least 30x faster than 1,000 getOrCreate calls"),
            new Goal("idem-all-1000", "floor-insert-1000", 0.5, Set.of(), "floor-skip-returning-1000",
                    "getOrCreateAll of 1,000 new keys at least 0.5x one multi-row INSERT of the same rows"),
            new Goal("idem-links-50", "floor-links-50", 0.85, Set.of(Engine.POSTGRESQL, Engine.SQLITE), "floor-skip-returning-links-50",
                    "PostgreSQL and SQLite: addLinks of 50 at least 0.85x the multi-row INSERT by hand"));

    private Targets() {
    }

    /** Every target that applies to a database and workers of {@code rows} whose operations were all measured. */
    static List<Result> of(List<BenchmarkReport.Row> rows) {
        Map<List<Object>, List<BenchmarkReport.Row>> runs = rows.stream()
                .collect(Collectors.groupingBy(r -> List.of(r.database(), r.workers()), java.util.LinkedHashMap::new, Collectors.toList()));
        List<Result> results = new ArrayList<>();
        runs.forEach((run, measured) -> {
            String database = (String) run.get(0);
            Engine engine = dev.idem.testing.Target.fromId(database).engine();
            Map<String, Double> ops = measured.stream().collect(Collectors.toMap(BenchmarkReport.Row::operation, Targets::rate, (a, b) -> a));
            Function<String, Double> rate = ops::get;
            for (Goal t : ALL) {
                Double a = rate.apply(t.operation());
                Double b = rate.apply(t.versus());
                if (!t.appliesTo(engine) || a == null || b == null || b == 0) {
                    continue;
                }
                Double c = t.ceiling() == null ? null : rate.apply(t.ceiling());
                results.add(new Result(database, (Integer) run.get(1), t, a / b, c == null ? null : c / b));
            }
        });
        return results;
    }

    private static double rate(BenchmarkReport.Row r) {
        return r.jobsPerSecond() != null ? r.jobsPerSecond() : r.opsPerSecond();
    }
}
