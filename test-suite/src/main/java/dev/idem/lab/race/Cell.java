package dev.idem.lab.race;

import dev.idem.lab.Isolation;
import dev.idem.testing.Engine;
import dev.idem.testing.Target;

/** One run of the lab: a scenario raced by one strategy in one transaction mode on one database. */
record Cell(Target target, Scenario scenario, Strategy strategy, Isolation isolation) {

    Engine engine() {
        return target.engine();
    }

    /** The run's identity in a {@link Result}. */
    Result.Run run(String version, int workers, int rounds) {
        return new Result.Run(target.id(), version, scenario.id(), strategy.id(), isolation.id(), workers, rounds, strategy.raceFree());
    }

    @Override
    public String toString() {
        return target.id() + " " + scenario.id() + " " + strategy.id() + " " + isolation.id();
    }
}
