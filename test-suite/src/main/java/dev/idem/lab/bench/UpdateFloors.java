package dev.idem.lab.bench;

import dev.idem.Idem;
import dev.idem.Row;
import dev.idem.Table;
import dev.idem.Values;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The benchmark's updates: {@code increment}, {@code update} and {@code updateAll} of two rows, each next to
 * what a careful hand writes for it on the same {@code account} table ({@value #ACCOUNTS} rows): the atomic
 * {@code UPDATE ... SET balance = balance + ?}, and {@code SELECT ... FOR UPDATE} then {@code UPDATE} in one
 * transaction, the rows locked in key order. On SQLite, which has no {@code FOR UPDATE}, the hand-written
 * transaction begins IMMEDIATE, as Idem's does.
 */
final class UpdateFloors {

    static final int ACCOUNTS = 1000;
    private static final Table ACCOUNT = Table.named("account").key("id");
    private static final Map<DataSource, Boolean> SQLITE = new ConcurrentHashMap<>();

    static final List<Benchmark.Measured> INCREMENT = List.of(
            new Benchmark.Measured("floor-increment", null, "prepared update account set balance = balance + ? where id = ?",
                    UpdateFloors::floorIncrement),
            new Benchmark.Measured("idem-increment", "floor-increment", "idem.increment(account, id, \"balance\", 1), the row returned",
                    (pool, idem, n) -> idem.increment(ACCOUNT, key(first(n)), "balance", 1)));
    static final List<Benchmark.Measured> UPDATE = List.of(
            new Benchmark.Measured("floor-update", null, "in one transaction: select ... for update, update set balance = ?",
                    UpdateFloors::floorUpdate),
            new Benchmark.Measured("idem-update", "floor-update", "idem.update(account, id, row -> balance + 1)",
                    (pool, idem, n) -> idem.update(ACCOUNT, key(first(n)), UpdateFloors::plusOne)));
    static final List<Benchmark.Measured> UPDATE_ALL = List.of(
            new Benchmark.Measured("floor-update-all-2", null, "in one transaction: select ... for update of two rows in key order, two updates",
                    UpdateFloors::floorUpdateAll),
            new Benchmark.Measured("idem-update-all-2", "floor-update-all-2", "idem.updateAll(account, [from, to], change) moving 1",
                    UpdateFloors::idemUpdateAll));

    private UpdateFloors() {
    }

    static void setUp(TestDatabase db) throws SQLException {
        db.execute("create table account (id bigint primary key, balance bigint not null)");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into account (id, balance) values (?, 1000000)")) {
                for (int id = 1; id <= ACCOUNTS; id++) {
                    ps.setLong(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** Concurrent calls get consecutive numbers, so different rows: the benchmark measures cost, not contention. */
    private static long first(long n) {
        return 1 + n % ACCOUNTS;
    }

    private static long second(long n) {
        return 1 + (n + ACCOUNTS / 2) % ACCOUNTS;
    }

    private static Values key(long id) {
        return Values.of("id", id);
    }

    private static Values plusOne(Row row) {
        return Values.of("balance", row.getLong("balance") + 1);
    }

    private static void idemUpdateAll(DataSource pool, Idem idem, long n) {
        idem.updateAll(ACCOUNT, List.of(key(second(n)), key(first(n))), rows -> List.of(
                Values.of("balance", rows.get(0).getLong("balance") - 1), Values.of("balance", rows.get(1).getLong("balance") + 1)));
    }

    private static void floorIncrement(DataSource pool, Idem idem, long n) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("update account set balance = balance + ? where id = ?")) {
            ps.setLong(1, 1);
            ps.setLong(2, first(n));
            Benchmark.expect(ps.executeUpdate() == 1, "no row was incremented");
        }
    }

    private static void floorUpdate(DataSource pool, Idem idem, long n) throws SQLException {
        inTransaction(pool, (c, sqlite) -> {
            long id = first(n);
            setBalance(c, id, lockedBalance(c, id, sqlite) + 1);
        });
    }

    private static void floorUpdateAll(DataSource pool, Idem idem, long n) throws SQLException {
        inTransaction(pool, (c, sqlite) -> {
            long from = second(n);
            long to = first(n);
            // Both rows locked in key order, whatever the direction: no deadlock between two transfers.
            long fromBalance;
            long toBalance;
            if (from < to) {
                fromBalance = lockedBalance(c, from, sqlite);
                toBalance = lockedBalance(c, to, sqlite);
            } else {
                toBalance = lockedBalance(c, to, sqlite);
                fromBalance = lockedBalance(c, from, sqlite);
            }
            setBalance(c, from, fromBalance - 1);
            setBalance(c, to, toBalance + 1);
        });
    }

    private interface Work {
        void run(Connection c, boolean sqlite) throws SQLException;
    }

    /** One transaction, rolled back on failure; on SQLite begun IMMEDIATE by hand, the connection left in auto-commit mode. */
    private static void inTransaction(DataSource pool, Work work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            boolean sqlite = SQLITE.computeIfAbsent(pool, p -> isSqlite(c));
            if (sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("begin immediate");
                    try {
                        work.run(c, true);
                        s.execute("commit");
                    } catch (SQLException | RuntimeException e) {
                        s.execute("rollback");
                        throw e;
                    }
                }
                return;
            }
            c.setAutoCommit(false);
            try {
                work.run(c, false);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static boolean isSqlite(Connection c) {
        try {
            return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("sqlite");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long lockedBalance(Connection c, long id, boolean sqlite) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select balance from account where id = ?" + (sqlite ? "" : " for update"))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                Benchmark.expect(rs.next(), "account " + id + " does not exist");
                return rs.getLong(1);
            }
        }
    }

    private static void setBalance(Connection c, long id, long balance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update account set balance = ? where id = ?")) {
            ps.setLong(1, balance);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }
}
