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

    @DatabaseTest
    void aCounterShortOfTheSuccessfulAttemptsCountsTheDifferenceAsLostUpdates(TestDatabase db) throws SQLException {
        Counter scenario = new Counter();
        scenario.setUp(db, new NaiveCounter(), 3);
        try (Connection c = db.connect()) {
            Counter.save(c, 5);
            Scenario.Amounts amounts = scenario.tally(c, 3, 8).amounts();
            assertEquals(new Scenario.Amounts(false, 8, 5, 0), amounts);
            assertEquals(3, amounts.lostUpdates());
        }
    }

    @DatabaseTest
    void moneyCreatedAndANegativeBalanceAreCounted(TestDatabase db) throws SQLException {
        Transfer scenario = new Transfer();
        scenario.setUp(db, new NaiveTransfer(), 3);
        try (Connection c = db.connect()) {
            Transfer.setBalance(c, 1, -10);
            Transfer.setBalance(c, 2, Transfer.START + 25);
            Scenario.Amounts amounts = scenario.tally(c, 3).amounts();
            assertEquals(new Scenario.Amounts(true, Transfer.ACCOUNTS * Transfer.START, Transfer.ACCOUNTS * Transfer.START - 85, 1), amounts);
            assertEquals(-85, amounts.moneyCreated());
            assertEquals(1, amounts.negativeBalances());
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
