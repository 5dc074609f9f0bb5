package dev.idem.lab;

import dev.idem.testing.Engine;

/** One run of the lab: a scenario raced by one strategy in one transaction mode on one database. */
record Cell(Engine engine, Scenario scenario, Strategy strategy, Isolation isolation) {

    @Override
    public String toString() {
        return engine.id() + " " + scenario.id() + " " + strategy.id() + " " + isolation.id();
    }
}
