package dev.idem.lab.race;

/** What a run came to, the worst first; the documents name it by {@link #id()}. */
public enum Verdict {
    /** Some key got more than one row: callers got rows of their own. */
    DUPLICATES("duplicates"),
    /** Updates the callers were told succeeded are not in the rows: a counter short, money created or destroyed, a balance below zero. */
    LOST("lost"),
    /** Callers got errors. */
    ERRORS("errors"),
    /** No duplicate and no error, but a key got no row, or callers of one round disagreed on the row or on who created it. */
    SPLIT("split"),
    /** One row per key, one creator per round, no error. */
    OK("ok");

    private final String id;

    Verdict(String id) {
        this.id = id;
    }

    /** The name in the documents: {@code duplicates}, {@code lost}, {@code errors}, {@code split} or {@code ok}. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
