package dev.idem.lab;

import dev.idem.testing.Target;

/** Hears what the lab is doing, to show a progress line. */
interface Progress {

    Progress NONE = new Progress() {
    };

    default void skipped(Target target, String reason) {
    }

    default void started(Cell cell, int index, int total) {
    }

    /** Called from a worker thread after each round. */
    default void round(int done, int rounds) {
    }

    default void finished(Result result) {
    }

    default void done() {
    }
}
