package dev.idem.core;

import dev.idem.Queue;
import dev.idem.Values;
import dev.idem.testing.Engine;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The work queue of the claim races: a task table in each database's own DDL, and its backlog. */
final class Tasks {

    static final Queue TASKS = Queue.named("task").key("id").eligible(Values.of("status", "new")).orderBy("id")
            .claimColumns("claimed_by", "claimed_until", "claim_token");

    private Tasks() {
    }

    /** The lease column's type: an instant where the database has one, UTC text on SQLite. */
    static String leaseType(Engine engine) {
        return switch (engine) {
            case POSTGRESQL -> "timestamptz";
            case MARIADB, MYSQL -> "datetime(6)";
            case H2 -> "timestamp with time zone";
            case SQLITE -> "text";
        };
    }

    /** The task table with its claim columns and the index the claim's read wants, and {@code rows} waiting tasks 1..rows. */
    static void create(TestDatabase db, int rows) throws SQLException {
        db.execute("create table task (id " + (db.engine() == Engine.SQLITE ? "integer" : "bigint") + " primary key, payload varchar(100),"
                        + " status varchar(20) not null, claimed_by varchar(100), claimed_until " + leaseType(db.engine()) + ", claim_token varchar(32))",
                "create index task_claim on task (status, id)");
        backlog(db, 1, rows);
    }

    static void backlog(TestDatabase db, int from, int to) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("insert into task (id, payload, status) values (?, ?, 'new')")) {
            c.setAutoCommit(false);
            for (int id = from; id <= to; id++) {
                ps.setLong(1, id);
                ps.setString(2, "job " + id);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    static long count(TestDatabase db, String where) throws SQLException {
        try (Connection c = db.connect()) {
            return Naive.count(c, "select count(*) from task where " + where);
        }
    }

    static String single(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
