package dev.idem.lab.scenario;

import dev.idem.lab.race.Scenario;
import dev.idem.lab.race.Strategy;
import java.util.List;

/**
 * The races the lab knows, in report order: the one place a scenario is registered. A new scenario is
 * a class implementing {@link Scenario}, whose {@link Scenario#strategies()} lists its strategies (one
 * class each, implementing {@link dev.idem.lab.race.Strategy}), and one entry here.
 */
public final class Scenarios {

    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(new GetOrCreate(), new AddLink(), new ClaimNext(false), new ClaimNext(true), new Counter(), new Transfer());
    }

    public static List<String> ids() {
        return all().stream().map(Scenario::id).toList();
    }

    public static List<String> strategyIds() {
        return all().stream().flatMap(s -> s.strategies().stream()).map(Strategy::id).distinct().toList();
    }
}
