package dev.idem.core;

import dev.idem.Table;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The tables of the lost-update and transfer races: accounts with a balance (and a points counter, a
 * nullable column and a narrow one), and the read-compute-save code users write today.
 */
final class Ledger {

    static final Table ACCOUNT = Table.named("account").key("id");

    private Ledger() {
    }

    /** Accounts 1, 2, ... holding {@code balances}, with 0 points. */
    static void accounts(TestDatabase db, long... balances) throws SQLException {
        db.execute("create table account (id bigint primary key, owner varchar(50), balance bigint not null, points bigint not null default 0,"
                + " bonus bigint, level int not null default 0)");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("insert into account (id, owner, balance) values (?, ?, ?)")) {
            for (int i = 0; i < balances.length; i++) {
                ps.setLong(1, i + 1);
                ps.setString(2, "owner" + (i + 1));
                ps.setLong(3, balances[i]);
                ps.executeUpdate();
            }
        }
    }

    static long read(Connection c, long id, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + column + " from account where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no account " + id);
                }
                return rs.getLong(1);
            }
        }
    }

    static long read(TestDatabase db, long id, String column) throws SQLException {
        try (Connection c = db.connect()) {
            return read(c, id, column);
        }
    }

    static long total(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return Naive.count(c, "select sum(balance) from account");
        }
    }

    static void write(Connection c, long id, String column, long value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update account set " + column + " = ? where id = ?")) {
            ps.setLong(1, value);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** Locks an account the way the hand-written transfer does: {@code SELECT ... FOR UPDATE}. */
    static long lockForUpdate(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select balance from account where id = ? for update")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
