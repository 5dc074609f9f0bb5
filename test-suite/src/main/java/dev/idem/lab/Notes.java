package dev.idem.lab;

import dev.idem.testing.Engine;
import java.util.ArrayList;
import java.util.List;

/** Explains a result in a sentence or two, so that a reader of the report knows why it came out so. */
final class Notes {

    private Notes() {
    }

    static String explain(Cell cell, Result r) {
        List<String> notes = new ArrayList<>();
        if (r.duplicates() > 0 && !cell.strategy().uniqueKey()) {
            notes.add("no unique constraint, so nothing stops the second insert: callers of one round got different rows");
        }
        if (r.errors().containsKey("unique_violation") && !r.raceFree()) {
            notes.add("both callers saw no row, both inserted, and the unique constraint failed the later one");
        }
        if (r.errors().containsKey("busy") && cell.engine() == Engine.SQLITE) {
            notes.add("a DEFERRED transaction reads first and needs the write lock later; when another writer committed in between,"
                    + " SQLite answers SQLITE_BUSY at once, whatever the busy_timeout");
        }
        if (r.errors().containsKey("invisible_row")) {
            notes.add("the insert hit the duplicate key, but the re-select reads the transaction's snapshot, taken before the"
                    + " other caller committed, and finds nothing");
        }
        if (r.errors().containsKey("deadlock")) {
            notes.add("the database broke a deadlock between the callers by failing one of them");
        }
        if (r.clean() && !r.raceFree()) {
            notes.add(cleanReason(cell, r));
        }
        if (!r.clean() && r.raceFree()) {
            notes.add("a race-free strategy failed: this is a bug, see errorSamples");
        }
        return String.join("; ", notes);
    }

    private static String cleanReason(Cell cell, Result r) {
        if (cell.strategy() instanceof LockParentAddLink) {
            return cell.engine() == Engine.SQLITE
                    ? "BEGIN IMMEDIATE takes SQLite's write lock first, so the callers ran one after another"
                    : "the row lock on the image queued the callers; it protects only code that takes the same lock";
        }
        if (cell.isolation() == Isolation.IMMEDIATE) {
            return "IMMEDIATE transactions take SQLite's write lock first, so the callers ran one after another";
        }
        if (cell.strategy() instanceof CatchReselect && cell.isolation() != Isolation.REPEATABLE_READ) {
            return "the workaround holds here: the re-select runs after the other caller committed and sees its row";
        }
        return "the race did not show in " + r.rounds() + " rounds: the database happened to serialize the callers;"
                + " more --rounds or --workers, or --think-ms, widen the window";
    }
}
