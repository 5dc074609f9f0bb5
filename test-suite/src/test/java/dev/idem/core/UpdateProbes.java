package dev.idem.core;

import static dev.idem.core.FaultProbe.count;
import static dev.idem.core.Ledger.ACCOUNT;
import static dev.idem.core.Schemas.TAG;

import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.Operations;
import dev.idem.Row;
import dev.idem.Values;
import dev.idem.testing.Engine;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;

/**
 * The lost-update operations under fault, for {@link FaultsTest}: accounts 1 (balance 100) and 2 (balance 0),
 * each with 0 points, and a tag table for update-or-create (and for the caller's own row). An effect counted
 * twice would be a lost update the other way round: a change applied again.
 */
final class UpdateProbes {

    private UpdateProbes() {
    }

    private static void accounts(TestDatabase db) throws SQLException {
        Schemas.tags(db);
        Ledger.accounts(db, 100, 0);
    }

    /** The statement that writes an account row (H2 wraps it in {@code select * from final table (...)}), not the locking read. */
    private static boolean isUpdate(String sql) {
        return sql.contains("update ") && sql.contains(" set ");
    }

    private static void lockAccount(Session holder, long id) throws Exception {
        holder.execute("update account set owner = owner where id = " + id);
    }

    /** How many times 10 points were added to account 1: 0, or 1 once the call took effect. */
    private static long pointsAdded(TestDatabase db) throws SQLException {
        return count(db, "select points from account where id = 1") / 10;
    }

    private static void storedPoints(TestDatabase db, Row returned) throws SQLException {
        if (returned.getLong("points") != count(db, "select points from account where id = 1")) {
            throw new AssertionError("returned " + returned + ", which is not the stored row");
        }
    }

    /** update of account 1: read its points under a lock, add 10. */
    static final FaultProbe<Row> UPDATE = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            accounts(db);
        }

        @Override
        public Row run(Idem idem, Operations ops) {
            return ops.update(ACCOUNT, Values.of("id", 1), row -> Values.of("points", row.getLong("points") + 10));
        }

        @Override
        public boolean isWrite(String sql) {
            return isUpdate(sql);
        }

        /** The locking read, then the write: one transaction on every database. */
        @Override
        public FaultProbe.OnLoss onLoss(Engine engine) {
            return FaultProbe.OnLoss.RUN_AGAIN;
        }

        @Override
        public boolean waitsOnLock(String sql) {
            return sql.endsWith(" for update");
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            lockAccount(holder, 1);
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return pointsAdded(db);
        }

        @Override
        public void checkResult(TestDatabase db, Row row) throws SQLException {
            storedPoints(db, row);
        }

        @Override
        public boolean claimsEffect(Row row) {
            return row.getLong("points") == 10;
        }

        @Override
        public String toString() {
            return "update";
        }
    };

    /** updateAll: move 10 from account 1 to account 2. Its effect: 1 per row moved, 2 once whole; 1 would be half a transfer. */
    static final FaultProbe<List<Row>> TRANSFER = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            accounts(db);
        }

        @Override
        public List<Row> run(Idem idem, Operations ops) {
            return ops.updateAll(ACCOUNT, List.of(Values.of("id", 1), Values.of("id", 2)), rows -> List.of(
                    Values.of("balance", rows.get(0).getLong("balance") - 10), Values.of("balance", rows.get(1).getLong("balance") + 10)));
        }

        /** The first of the two writes: a kill there falls between them. */
        @Override
        public boolean isWrite(String sql) {
            return isUpdate(sql);
        }

        @Override
        public FaultProbe.OnLoss onLoss(Engine engine) {
            return FaultProbe.OnLoss.RUN_AGAIN;
        }

        /** The locking reads: the second, of account 2, waits. */
        @Override
        public boolean waitsOnLock(String sql) {
            return sql.endsWith(" for update");
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            lockAccount(holder, 2);
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return (100 - count(db, "select balance from account where id = 1")) / 10 + count(db, "select balance from account where id = 2") / 10;
        }

        @Override
        public long whole() {
            return 2;
        }

        @Override
        public void checkResult(TestDatabase db, List<Row> rows) throws SQLException {
            if (rows.get(0).getLong("balance") != count(db, "select balance from account where id = 1")
                    || rows.get(1).getLong("balance") != count(db, "select balance from account where id = 2")) {
                throw new AssertionError("returned " + rows + ", which are not the stored rows");
            }
        }

        @Override
        public boolean claimsEffect(List<Row> rows) {
            return rows.get(0).getLong("balance") == 90 && rows.get(1).getLong("balance") == 10;
        }

        @Override
        public String toString() {
            return "updateAll";
        }
    };

    /** increment of account 1's points by 10. */
    static final FaultProbe<Row> INCREMENT = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            accounts(db);
        }

        @Override
        public Row run(Idem idem, Operations ops) {
            return ops.increment(ACCOUNT, Values.of("id", 1), "points", 10);
        }

        @Override
        public boolean isWrite(String sql) {
            return isUpdate(sql);
        }

        /**
         * One statement that commits by itself where the database returns the updated row (PostgreSQL, SQLite, H2):
         * adding twice would be wrong, so a loss there is unknown. MySQL and MariaDB read the row back in a transaction.
         */
        @Override
        public FaultProbe.OnLoss onLoss(Engine engine) {
            return engine.isMysqlFamily() ? FaultProbe.OnLoss.RUN_AGAIN : FaultProbe.OnLoss.UNKNOWN;
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            lockAccount(holder, 1);
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return pointsAdded(db);
        }

        @Override
        public void checkResult(TestDatabase db, Row row) throws SQLException {
            storedPoints(db, row);
        }

        @Override
        public boolean claimsEffect(Row row) {
            return row.getLong("points") == 10;
        }

        @Override
        public String toString() {
            return "increment";
        }
    };

    /** updateOrCreate of the tag "k" (missing) with the colour red. */
    static final FaultProbe<Got> UPDATE_OR_CREATE = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Schemas.tags(db);
        }

        @Override
        public Got run(Idem idem, Operations ops) {
            return ops.updateOrCreate(TAG, Values.of("title", "k"), Values.of("color", "red"));
        }

        /** The locking read of the missing key waits on MySQL and MariaDB (the holder's insert locks the index record); the insert elsewhere. */
        @Override
        public boolean waitsOnLock(String sql) {
            return isWrite(sql) || sql.endsWith(" for update");
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            holder.execute("insert into tag (title, color) values ('k', 'blue')");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return count(db, "select count(*) from tag where title = 'k'");
        }

        /** Created or not, the row holds the values afterwards, and the call returned it. */
        @Override
        public void checkResult(TestDatabase db, Got got) throws SQLException {
            if (got.longId() != count(db, "select id from tag where title = 'k'") || !"red".equals(got.row().get("color"))
                    || count(db, "select count(*) from tag where title = 'k' and color = 'red'") != 1) {
                throw new AssertionError("returned " + got + ", which is not the stored row");
            }
        }

        @Override
        public boolean claimsEffect(Got got) {
            return got.created();
        }

        @Override
        public String toString() {
            return "updateOrCreate";
        }
    };
}
