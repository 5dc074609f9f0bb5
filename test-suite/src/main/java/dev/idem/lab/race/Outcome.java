package dev.idem.lab.race;

/**
 * What one attempt returned to its caller: the row it ended up with (a generated id, or the link's key)
 * and whether it says it created that row. Callers of one round must agree on the row, and exactly one
 * of them may say it created it.
 */
public record Outcome(Object row, boolean created) {

    public static Outcome created(Object row) {
        return new Outcome(row, true);
    }

    public static Outcome found(Object row) {
        return new Outcome(row, false);
    }
}
