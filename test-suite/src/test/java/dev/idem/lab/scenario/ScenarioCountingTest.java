package dev.idem.lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idem.lab.race.Scenario;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The scenarios count right: what the lab reports is what is in the database. */
class ScenarioCountingTest {

    @DatabaseTest
    void aPlantedDuplicateAndAMissingRowAreCounted(TestDatabase db) throws SQLException {
        GetOrCreate scenario = new GetOrCreate();
        scenario.setUp(db, new NaiveGetOrCreate(false), 3);
        try (Connection c = db.connect()) {
            GetOrCreate.insert(c, GetOrCreate.title(0));
            GetOrCreate.insert(c, GetOrCreate.title(0));
            GetOrCreate.insert(c, GetOrCreate.title(1));
            // Round 2 has no row at all.
            assertEquals(new Scenario.Tally(1, 1, 1), scenario.tally(c, 3));
        }
    }

    @DatabaseTest
    void aLinkThatNoCallerAddedIsCountedMissing(TestDatabase db) throws SQLException {
        AddLink scenario = new AddLink();
        scenario.setUp(db, new NaiveAddLink(), 2);
        try (Connection c = db.connect()) {
            AddLink.link(c, AddLink.id(0), AddLink.id(0));
            assertEquals(new Scenario.Tally(0, 0, 1), scenario.tally(c, 2));
        }
    }

    @Test
    void everyStrategyOfEveryScenarioHasItsOwnId() {
        for (Scenario scenario : Scenarios.all()) {
            assertEquals(scenario.strategies().size(), scenario.strategies().stream().map(s -> s.id()).distinct().count(), scenario.id());
        }
        assertEquals(Scenarios.all().size(), Scenarios.ids().stream().distinct().count());
    }
}
