package dev.idem.lab.soak;

import java.util.ArrayList;
import java.util.List;

/** What the history check found wrong: how many, and the first few in full. */
final class Violations {

    static final int KEPT = 20;

    /**
     * One broken promise.
     *
     * @param check which promise, e.g. {@code duplicate-row}
     * @param subject what it concerns, e.g. {@code tag k17}
     * @param seen what the answers and the database showed
     */
    record Violation(String check, String subject, String seen) {
        @Override
        public String toString() {
            return check + ": " + subject + ": " + seen;
        }
    }

    private long count;
    private final List<Violation> first = new ArrayList<>();

    void add(String check, String subject, String seen) {
        count++;
        if (first.size() < KEPT) {
            first.add(new Violation(check, subject, seen));
        }
    }

    long count() {
        return count;
    }

    List<Violation> first() {
        return List.copyOf(first);
    }
}
