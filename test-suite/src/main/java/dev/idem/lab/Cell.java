package dev.idem.lab;

import dev.idem.testing.Engine;
import dev.idem.testing.Target;

/** One run of the lab: a scenario raced by one strategy in one transaction mode on one database. */
record Cell(Target target, Scenario scenario, Strategy strategy, Isolation isolation) {

    Engine engine() {
        return target.engine();
    }

    @Override
    public String toString() {
        return target.id() + " " + scenario.id() + " " + strategy.id() + " " + isolation.id();
    }
}
