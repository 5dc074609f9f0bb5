package dev.idem.lab;

import java.util.List;

/** The races the lab knows, in report order. */
final class Scenarios {

    private Scenarios() {
    }

    static List<Scenario> all() {
        return List.of(new GetOrCreate(), new AddLink());
    }

    static List<String> ids() {
        return all().stream().map(Scenario::id).toList();
    }

    static List<String> strategyIds() {
        return all().stream().flatMap(s -> s.strategies().stream()).map(Strategy::id).distinct().toList();
    }
}
