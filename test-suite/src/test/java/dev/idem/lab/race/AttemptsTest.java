package dev.idem.lab.race;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idem.lab.ErrorClass;
import dev.idem.testing.Engine;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lab counts what the callers saw right. */
class AttemptsTest {

    @Test
    void roundsWhereCallersDisagreeAreSplitAndErrorsAreCountedByClass() {
        Attempts attempts = new Attempts(2, 3, Engine.POSTGRESQL);
        attempts.succeeded(0, 0, Outcome.created(1L), 1_000_000);   // round 0: both created a row of their own
        attempts.succeeded(0, 1, Outcome.created(2L), 1_000_000);
        attempts.succeeded(1, 0, Outcome.created(3L), 1_000_000);   // round 1: one created, the other found it
        attempts.succeeded(1, 1, Outcome.found(3L), 1_000_000);
        attempts.succeeded(2, 0, Outcome.created(4L), 1_000_000);   // round 2: the other failed on the unique key
        attempts.failed(2, 1, new SQLException("duplicate key value violates unique constraint", "23505"), 1_000_000);
        assertEquals(1, attempts.splitRounds());
        assertEquals(Map.of(ErrorClass.UNIQUE_VIOLATION, 1L), attempts.errorCounts());
    }

    @Test
    void percentilesUseTheNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (100 - i) * 1_000_000L;
        }
        assertEquals(50.0, Latencies.millis(nanos, 50));
        assertEquals(99.0, Latencies.millis(nanos, 99));
        assertEquals(0.0, Latencies.millis(new long[0], 50));
    }
}
