package dev.idem.lab;

import dev.idem.testing.Engine;
import java.util.List;

/**
 * One way of writing the code a scenario races: the naive code users write, the workaround they are
 * told to use, or Idem. To add one (for example an {@code idem-hibernate} variant), implement this
 * interface in one class and list it in its scenario's {@link Scenario#strategies()}.
 */
interface Strategy {

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

    /** One caller's attempt in round {@code round}; throws what the caller would see. */
    Outcome attempt(Arena arena, int round) throws Exception;
}
