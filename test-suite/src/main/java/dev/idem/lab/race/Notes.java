package dev.idem.lab.race;

import dev.idem.lab.ErrorClass;
import dev.idem.lab.Isolation;
import dev.idem.testing.Engine;
import java.util.ArrayList;
import java.util.List;

/** Explains a result in a sentence or two, so that a reader of the report knows why it came out so. */
final class Notes {

    private Notes() {
    }

    static String explain(Cell cell, Result r) {
        List<String> notes = new ArrayList<>();
        if (r.rows().duplicates() > 0 && !cell.strategy().uniqueKey()) {
            notes.add("no unique constraint, so nothing stops the second insert: callers of one round got different rows");
        }
        if (errors(r, ErrorClass.UNIQUE_VIOLATION) && !r.run().raceFree()) {
            notes.add("both callers saw no row, both inserted, and the unique constraint failed the later one");
        }
        if (errors(r, ErrorClass.BUSY) && cell.engine() == Engine.SQLITE) {
            notes.add("a DEFERRED transaction reads first and needs the write lock later; when another writer committed in between,"
                    + " SQLite answers SQLITE_BUSY at once, whatever the busy_timeout");
        }
        if (errors(r, ErrorClass.INVISIBLE_ROW)) {
            notes.add("the insert hit the duplicate key, but the re-select reads the transaction's snapshot, taken before the"
                    + " other caller committed, and finds nothing");
        }
        Scenario.Amounts amounts = r.rows().amounts();
        if (amounts != null && amounts.lostUpdates() != null && amounts.lostUpdates() != 0) {
            notes.add(amounts.lostUpdates() + " additions lost: callers read the same points, and each wrote its own sum over the other's");
        }
        if (amounts != null && amounts.moneyCreated() != null && amounts.moneyCreated() != 0) {
            notes.add("transfers read the same balances and each wrote its own over the other's: "
                    + Math.abs(amounts.moneyCreated()) + (amounts.moneyCreated() > 0 ? " created" : " destroyed"));
        }
        if (amounts != null && amounts.negative() > 0) {
            notes.add("transfers checked the same balance, each saw enough, and both withdrew: "
                    + amounts.negative() + (amounts.negative() == 1 ? " account" : " accounts") + " below zero");
        }
        if (errors(r, ErrorClass.SERIALIZATION_FAILURE) && !r.run().raceFree()) {
            notes.add("the database refused to lose the update and failed the transaction instead; nothing retried it");
        }
        if (errors(r, ErrorClass.DEADLOCK)) {
            notes.add("the database broke a deadlock between the callers by failing one of them");
        }
        if (r.clean() && !r.run().raceFree()) {
            notes.add(cleanReason(cell, r));
        }
        if (!r.clean() && r.run().raceFree()) {
            notes.add("a race-free strategy failed: this is a bug, see errorSamples");
        }
        return String.join("; ", notes);
    }

    private static String cleanReason(Cell cell, Result r) {
        String byDesign = cell.strategy().whyClean(cell.engine(), cell.isolation());
        if (byDesign != null) {
            return byDesign;
        }
        if (cell.isolation() == Isolation.IMMEDIATE) {
            return "IMMEDIATE transactions take SQLite's write lock first, so the callers ran one after another";
        }
        return "the race did not show in " + r.run().rounds() + " rounds: the database happened to serialize the callers;"
                + " more --rounds or --workers, or --think-ms, widen the window";
    }

    private static boolean errors(Result r, ErrorClass kind) {
        return r.callers().errors().containsKey(kind);
    }
}
