package dev.idem.lab.race;

import dev.idem.lab.Isolation;
import dev.idem.testing.Engine;
import java.util.List;

/**
 * One way of writing the code a scenario races: the naive code users write, the workaround they are
 * told to use, or Idem. To add one, implement this interface in one class and list it in its scenario's
 * {@link Scenario#strategies()}.
 */
public interface Strategy {

    /** The name used in options and reports, e.g. {@code naive}. */
    String id();

    /** One sentence: what the code does. */
    String description();

    /** True for the strategies that must never show duplicates or errors; the lab checks them. */
    boolean raceFree();

    /** False when this strategy runs on a table without the unique constraint the scenario normally declares. */
    default boolean uniqueKey() {
        return true;
    }

    /** The transaction modes this strategy runs under on {@code engine} by default; empty when it does not apply there. */
    List<Isolation> isolations(Engine engine);

    /**
     * Why a strategy that can fail came out clean in {@code isolation} on {@code engine}, when it is by
     * design (a lock that queues the callers); null when a clean run is luck.
     */
    default String whyClean(Engine engine, Isolation isolation) {
        return null;
    }

    /** One caller's attempt in round {@code round}; throws what the caller would see. */
    Outcome attempt(Arena arena, int round) throws Exception;
}
