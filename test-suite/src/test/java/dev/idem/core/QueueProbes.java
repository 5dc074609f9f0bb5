package dev.idem.core;

import static dev.idem.core.FaultProbe.count;
import static dev.idem.core.Tasks.TASKS;

import dev.idem.Claim;
import dev.idem.Idem;
import dev.idem.Operations;
import dev.idem.Row;
import dev.idem.Values;
import dev.idem.testing.Engine;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The work-queue operations under fault, for {@link FaultsTest}: a claim, and the finish of a row held. */
final class QueueProbes {

    /** The token of the claim {@link #FINISH} holds, written over the one Idem drew so that the probe can name it. */
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private QueueProbes() {
    }

    private static boolean isUpdate(String sql) {
        return sql.contains("update ") && sql.contains(" set ");
    }

    /** Worker "w" claims one row of a queue of two, for an hour. Its effect: rows held by "w". */
    static final FaultProbe<List<Claim>> CLAIM = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Schemas.tags(db);
            Tasks.create(db, 2);
        }

        @Override
        public List<Claim> run(Idem idem, Operations ops) {
            return ops.claim(TASKS, "w", 1, Duration.ofHours(1));
        }

        /** PostgreSQL's claim is one statement (a CTE that locks and updates), the others' a locking read and then this update. */
        @Override
        public boolean isWrite(String sql) {
            return isUpdate(sql);
        }

        /** PostgreSQL and SQLite claim in one statement that commits by itself; elsewhere a locking read and an update, in a transaction. */
        @Override
        public FaultProbe.OnLoss onLoss(Engine engine) {
            return engine == Engine.POSTGRESQL || engine == Engine.SQLITE ? FaultProbe.OnLoss.RUN_AGAIN_WHATEVER_WAS_WRITTEN : FaultProbe.OnLoss.RUN_AGAIN;
        }

        /** A claim skips the rows another transaction holds: it never waits on a lock. */
        @Override
        public boolean canWaitOnLock() {
            return false;
        }

        @Override
        public void holdLock(Session holder) {
            throw new UnsupportedOperationException("a claim never waits on a lock");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return count(db, "select count(*) from task where claimed_by = 'w' and claim_token is not null");
        }

        /** The returned claim is the stored one: its row carries its token, still waiting to be finished; no other row does. */
        @Override
        public void checkResult(TestDatabase db, List<Claim> claims) throws SQLException {
            Claim claim = claims.get(0);
            if (count(db, "select count(*) from task where claim_token = '" + claim.token() + "'") != 1
                    || count(db, "select count(*) from task where status = 'new' and claimed_by = 'w' and claim_token = '" + claim.token()
                    + "' and id = " + claim.key()) != 1) {
                throw new AssertionError("returned " + claims + ", which is not what the queue holds");
            }
        }

        @Override
        public boolean claimsEffect(List<Claim> claims) {
            return claims.size() == 1;
        }

        @Override
        public String toString() {
            return "claim";
        }
    };

    /** Worker "w" finishes task 1, which it holds for an hour. Its effect: the row done. */
    static final FaultProbe<Boolean> FINISH = new FaultProbe<>() {
        @Override
        public void setUp(TestDatabase db) throws SQLException {
            Schemas.tags(db);
            Tasks.create(db, 1);
            Idem.create(db.dataSource()).claim(TASKS, "w", 1, Duration.ofHours(1));
            db.execute("update task set claim_token = '" + TOKEN + "' where id = 1");
        }

        @Override
        public Boolean run(Idem idem, Operations ops) {
            Claim held = new Claim(TASKS, 1L, "w", TOKEN, new Row(Map.of("id", 1L)));
            return ops.finish(TASKS, held, Values.of("status", "done"));
        }

        @Override
        public boolean isWrite(String sql) {
            return isUpdate(sql);
        }

        @Override
        public void holdLock(Session holder) throws Exception {
            holder.execute("update task set payload = 'held' where id = 1");
        }

        @Override
        public long effect(TestDatabase db) throws SQLException {
            return count(db, "select count(*) from task where id = 1 and status = 'done'");
        }

        /** Finished: the claim ended with it, so its token no longer finishes, releases or renews anything. */
        @Override
        public void checkResult(TestDatabase db, Boolean finished) throws SQLException {
            if (count(db, "select count(*) from task where id = 1 and claim_token is null and claimed_by = 'w'") != 1) {
                throw new AssertionError("finish returned " + finished + ", yet the row still carries a claim");
            }
        }

        @Override
        public boolean claimsEffect(Boolean finished) {
            return finished;
        }

        @Override
        public String toString() {
            return "finish";
        }
    };
}
