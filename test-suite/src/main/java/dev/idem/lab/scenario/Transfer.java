package dev.idem.lab.scenario;

import dev.idem.Table;
import dev.idem.lab.race.Outcome;
import dev.idem.lab.race.Scenario;
import dev.idem.lab.race.Strategy;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The transfer (seed 003: {@code transfer_money(from, to, amount)} reads two accounts and writes both):
 * every worker of every round moves a random amount between two of {@value #ACCOUNTS} accounts, so that
 * transfers collide often, some in opposite directions. A transfer that would overdraw its source is
 * refused, which is a correct answer. Afterwards the balances must sum to what they started with, and
 * none may be below zero.
 */
public final class Transfer implements Scenario {

    static final int ACCOUNTS = 4;
    static final long START = 100;
    static final long MAX_AMOUNT = 30;
    static final Table ACCOUNT = Table.named("account").key("id");
    /**
     * What every transfer answers, moved or refused: callers of one round do not share a row, so they
     * must not count as split.
     */
    static final Outcome DONE = Outcome.found("transfer");

    @Override
    public String id() {
        return "transfer";
    }

    @Override
    public String title() {
        return "transfer: N callers move money among " + ACCOUNTS + " accounts at once";
    }

    @Override
    public List<Strategy> strategies() {
        return List.of(new NaiveTransfer(), new LockInCallOrderTransfer(), new SerializableTransfer(), new IdemTransfer(),
                new IdemHibernateTransfer());
    }

    @Override
    public void setUp(TestDatabase db, Strategy strategy, int rounds) throws SQLException {
        db.execute("create table account (id bigint primary key, balance bigint not null)");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("insert into account (id, balance) values (?, ?)")) {
            for (int id = 1; id <= ACCOUNTS; id++) {
                ps.setLong(1, id);
                ps.setLong(2, START);
                ps.executeUpdate();
            }
        }
    }

    @Override
    public Tally tally(Connection connection, int rounds) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("select coalesce(sum(balance), 0), sum(case when balance < 0 then 1 else 0 end) from account")) {
            rs.next();
            return Tally.of(new Amounts(true, ACCOUNTS * START, rs.getLong(1), rs.getLong(2)));
        }
    }

    /** One transfer: two different accounts and an amount. */
    record Move(long from, long to, long amount) {

        static Move random() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int from = random.nextInt(ACCOUNTS);
            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            return new Move(from + 1L, to + 1L, 1 + random.nextLong(MAX_AMOUNT));
        }
    }

    /** What the change throws when the source holds less than the amount: nothing may be written. */
    static final class Refused extends RuntimeException {

        Refused(Move move, long balance) {
            super("account " + move.from() + " holds " + balance + ", less than " + move.amount(), null, false, false);
        }

        /** True when {@code e}, or one of its causes, is a refusal: the caller's answer, not an error. */
        static boolean by(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof Refused) {
                    return true;
                }
            }
            return false;
        }
    }

    static long balance(Connection c, long id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select balance from account where id = ?" + (forUpdate ? " for update" : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("account " + id + " does not exist");
                }
                return rs.getLong(1);
            }
        }
    }

    static void setBalance(Connection c, long id, long balance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update account set balance = ? where id = ?")) {
            ps.setLong(1, balance);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }
}
