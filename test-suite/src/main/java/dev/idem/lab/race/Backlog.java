package dev.idem.lab.race;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A scenario that is not raced in rounds: {@code --workers} workers drain a backlog of {@code --backlog}
 * rows, each asking for the next unhandled row until none is left (seed 000). Its strategies are
 * {@link QueueStrategy QueueStrategies}; {@link Drain} runs it. {@link #setUp} gets the backlog's size as
 * its {@code rounds}, and the rows are numbered 1 to that size.
 */
public interface Backlog extends Scenario {

    /** True when some workers die holding a row: they abandon it unfinished, and a replacement takes their place. */
    boolean workersDie();

    /** Rows still waiting to be handled, or held by a worker that may still finish them; the workers stop at zero. */
    long waiting(Connection connection) throws SQLException;

    /** Rows finished once the run is over. */
    long finished(Connection connection) throws SQLException;
}
