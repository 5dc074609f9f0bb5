package dev.idem.core;

import static dev.idem.core.Schemas.IMAGE_TAGS;
import static dev.idem.core.Schemas.TAG;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Linked;
import dev.idem.Operations;
import dev.idem.Values;
import dev.idem.testing.Engine;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * One operation under fault, as {@link FaultsTest} drives it: the tables it needs, the call, which of its
 * statements is the write, how to make that write wait on a lock, and what the database must hold after
 * the call given what the caller was told. Covering a new operation is one more probe and one more test
 * method.
 */
interface FaultProbe<T> {

    /** Creates the tables and the rows the call starts from. */
    void setUp(TestDatabase db) throws SQLException;

    /** The call, through {@code ops} (Idem itself, or {@code idem.on(connection)}); {@code idem} for inTransaction. */
    T run(Idem idem, Operations ops);

    /** True for the (lower-cased) SQL of the statement that writes (H2 wraps its inserts in {@code select * from final table (...)}). */
    default boolean isWrite(String sql) {
        return sql.contains("insert into");
    }

    /** What Idem does on its own connection when the connection is lost with the write in flight. */
    enum OnLoss {
        /** The write runs in a transaction of Idem's own, which the database rolls back: run again, the answer exact. */
        RUN_AGAIN,
        /**
         * The write commits by itself, and leaves nothing a retry must answer for: run again, the answer is the
         * retry's (a claim; the lost claim's rows wait under an unknown token for their lease to lapse).
         */
        RUN_AGAIN_WHATEVER_WAS_WRITTEN,
        /**
         * The write commits by itself and is idempotent by key: run again; when the retry finds the effect already
         * there, {@code OutcomeUnknownException}, since the lost write may have made it.
         */
        RUN_AGAIN_UNLESS_FOUND_DONE,
        /** The write commits by itself and is not idempotent (an increment): {@code OutcomeUnknownException} at once, never run again. */
        UNKNOWN
    }

    /** What Idem's own connection does after a loss with the write in flight, on {@code engine}. */
    default OnLoss onLoss(Engine engine) {
        return OnLoss.RUN_AGAIN_UNLESS_FOUND_DONE;
    }

    /** True for the (lower-cased) SQL of the statement that waits for the lock {@link #holdLock} takes. */
    default boolean waitsOnLock(String sql) {
        return isWrite(sql);
    }

    /** False for an operation that never waits on a lock another transaction holds (a claim skips such rows). */
    default boolean canWaitOnLock() {
        return true;
    }

    /** In {@code holder}'s open transaction, takes the lock the write needs; the holder rolls back afterwards. */
    void holdLock(Session holder) throws Exception;

    /** How many rows the call's effect leaves: 0 before it, {@link #whole()} once it took effect. */
    long effect(TestDatabase db) throws SQLException;

    /** The effect's row count once the call took effect. */
    default long whole() {
        return 1;
    }

    /**
     * Checks what the caller was told against the database: {@code result} when the call returned,
     * {@code null} when it threw. Beyond "exactly once, or not at all and nothing half-written", which
     * {@link FaultsTest} checks for every probe.
     */
    void checkResult(TestDatabase db, T result) throws SQLException;

    /** A write the database makes of the call's effect, true when this caller made it: a returned {@code created} or {@code added}. */
    boolean claimsEffect(T result);

    static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** getOrCreate of the tag "k", with a default colour. */
    FaultProbe<Got> GET_OR_CREATE = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Schemas.tags(db);
        }

        @Override
        public Got run(Idem idem, Operations ops) {
            return ops.getOrCreate(TAG, Values.of("title", "k"), Values.of("color", "red"));
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            holder.execute("insert into tag (title, color) values ('k', 'blue')");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return count(db, "select count(*) from tag where title = 'k'");
        }

        @Override
        public void checkResult(TestDatabase db, Got got) throws SQLException {
            long id = count(db, "select id from tag where title = 'k'");
            if (got.longId() != id || !"k".equals(got.row().get("title"))) {
                throw new AssertionError("returned " + got + " but the stored row has id " + id);
            }
            if (got.created() && count(db, "select count(*) from tag where title = 'k' and color = 'red'") != 1) {
                throw new AssertionError("created() is true, yet the stored row is not the one this call inserted");
            }
        }

        @Override
        public boolean claimsEffect(Got got) {
            return got.created();
        }

        @Override
        public String toString() {
            return "getOrCreate";
        }
    };

    /** addLink of image 1 and tag 1. */
    FaultProbe<Boolean> ADD_LINK = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Links.setUp(db, false);
        }

        @Override
        public Boolean run(Idem idem, Operations ops) {
            return ops.addLink(IMAGE_TAGS, 1L, 1L);
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            holder.execute("insert into image_tags (image_id, tag_id) values (1, 1)");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return count(db, "select count(*) from image_tags where image_id = 1 and tag_id = 1");
        }

        @Override
        public void checkResult(TestDatabase db, Boolean added) throws SQLException {
            // returned true or false, the link is there once: checked for every probe
        }

        @Override
        public boolean claimsEffect(Boolean added) {
            return added;
        }

        @Override
        public String toString() {
            return "addLink";
        }
    };

    /** addLinks of image 1 to tags 1, 2 and 3: all or nothing. */
    FaultProbe<Linked> ADD_LINKS = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Links.setUp(db, false);
        }

        @Override
        public Linked run(Idem idem, Operations ops) {
            return ops.addLinks(IMAGE_TAGS, 1L, List.of(1L, 2L, 3L));
        }

        /** MySQL and MariaDB read the existing links with a locking read first; that read is what waits. */
        @Override
        public boolean waitsOnLock(String sql) {
            return isWrite(sql) || sql.endsWith(" lock in share mode");
        }

        @Override
        public OnLoss onLoss(Engine engine) {
            return engine.isMysqlFamily() || engine == Engine.H2 ? OnLoss.RUN_AGAIN : OnLoss.RUN_AGAIN_UNLESS_FOUND_DONE;
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            holder.execute("insert into image_tags (image_id, tag_id) values (1, 2)");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return count(db, "select count(*) from image_tags where image_id = 1");
        }

        @Override
        public long whole() {
            return 3;
        }

        @Override
        public void checkResult(TestDatabase db, Linked linked) {
            if (linked.added().size() + linked.existing().size() != 3) {
                throw new AssertionError("three targets, yet " + linked);
            }
        }

        @Override
        public boolean claimsEffect(Linked linked) {
            return linked.anyAdded();
        }

        @Override
        public String toString() {
            return "addLinks";
        }
    };

    /** removeLink of image 1 and tag 1, which exists. Its effect is the link's absence. */
    FaultProbe<Boolean> REMOVE_LINK = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Links.setUp(db, true);
        }

        @Override
        public Boolean run(Idem idem, Operations ops) {
            return ops.removeLink(IMAGE_TAGS, 1L, 1L);
        }

        @Override
        public boolean isWrite(String sql) {
            return sql.startsWith("delete");
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            holder.execute("update image_tags set tag_id = 1 where image_id = 1 and tag_id = 1");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return 1 - count(db, "select count(*) from image_tags where image_id = 1 and tag_id = 1");
        }

        @Override
        public void checkResult(TestDatabase db, Boolean removed) {
            // the link is gone: checked for every probe
        }

        @Override
        public boolean claimsEffect(Boolean removed) {
            return removed;
        }

        @Override
        public String toString() {
            return "removeLink";
        }
    };

    /** inTransaction: getOrCreate the tag "k", then link image 1 to it, as one unit of work. Idem mode only. */
    FaultProbe<Got> IN_TRANSACTION = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Links.setUp(db, false);
        }

        @Override
        public Got run(Idem idem, Operations ops) {
            return idem.inTransaction(c -> {
                Got tag = idem.on(c).getOrCreate(TAG, Values.of("title", "k"), Values.of("color", "red"));
                idem.on(c).addLink(IMAGE_TAGS, 1L, tag.id());
                return tag;
            });
        }

        /** The second write, the link: a kill there falls between the statements of the unit of work. */
        @Override
        public boolean isWrite(String sql) {
            return sql.contains("insert into") && sql.contains("image_tags");
        }

        @Override
        public boolean waitsOnLock(String sql) {
            return sql.contains("insert into") && !sql.contains("image_tags");
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            holder.execute("insert into tag (title) values ('k')");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return count(db, "select count(*) from tag where title = 'k'") + count(db, "select count(*) from image_tags t join tag g on"
                    + " g.id = t.tag_id where t.image_id = 1 and g.title = 'k'");
        }

        @Override
        public long whole() {
            return 2;
        }

        @Override
        public void checkResult(TestDatabase db, Got got) throws SQLException {
            GET_OR_CREATE.checkResult(db, got);
        }

        @Override
        public boolean claimsEffect(Got got) {
            return got.created();
        }

        @Override
        public String toString() {
            return "inTransaction";
        }
    };

    /** getOrCreateAll of the tags "a", "b" and "c", with a default colour: one row each, all or nothing. */
    FaultProbe<List<Got>> GET_OR_CREATE_ALL = new FaultProbe<>() {
        private static final List<String> TITLES = List.of("a", "b", "c");

        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Schemas.tags(db);
        }

        @Override
        public List<Got> run(Idem idem, Operations ops) {
            return ops.getOrCreateAll(TAG, TITLES.stream().map(t -> Values.of("title", t, "color", "red")).toList());
        }

        /** PostgreSQL reads and inserts the batch in one statement that commits by itself; elsewhere a read and an insert, in a transaction. */
        @Override
        public OnLoss onLoss(Engine engine) {
            return engine == Engine.POSTGRESQL ? OnLoss.RUN_AGAIN_UNLESS_FOUND_DONE : OnLoss.RUN_AGAIN;
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            holder.execute("insert into tag (title, color) values ('b', 'blue')");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return count(db, "select count(*) from tag where title in ('a', 'b', 'c')");
        }

        @Override
        public long whole() {
            return 3;
        }

        @Override
        public void checkResult(TestDatabase db, List<Got> all) throws SQLException {
            for (int i = 0; i < TITLES.size(); i++) {
                Got got = all.get(i);
                String title = TITLES.get(i);
                if (!title.equals(got.row().get("title")) || got.longId() != count(db, "select id from tag where title = '" + title + "'")) {
                    throw new AssertionError("returned " + got + " for " + title + ", which is not the stored row");
                }
                if (got.created() && !"red".equals(got.row().get("color"))) {
                    throw new AssertionError("created() is true for " + got + ", yet the stored row is not the one this call inserted");
                }
            }
        }

        @Override
        public boolean claimsEffect(List<Got> all) {
            return all.stream().allMatch(Got::created);
        }

        @Override
        public String toString() {
            return "getOrCreateAll";
        }
    };

    /** The tables of the link probes. */
    final class Links {
        private Links() {
        }

        static void setUp(TestDatabase db, boolean linked) throws SQLException {
            Schemas.imagesAndTags(db);
            db.execute("insert into image (name) values ('one')", "insert into tag (title) values ('a')", "insert into tag (title) values ('b')",
                    "insert into tag (title) values ('c')");
            if (linked) {
                db.execute("insert into image_tags (image_id, tag_id) values (1, 1)");
            }
        }
    }
}
