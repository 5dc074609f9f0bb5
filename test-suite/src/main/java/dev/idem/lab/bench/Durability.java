package dev.idem.lab.bench;

import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether a database commits durably (a commit survives a power cut: the log is flushed to disk before the
 * commit returns), as the database itself reports it, and the settings that say so. A commit's flush
 * costs far more than the work Idem adds, so every ratio moves with it: the benchmark reports it next to
 * the ratios, and {@code --durable} runs on durable servers only.
 *
 * @param durable true when every commit is flushed to disk before it returns
 * @param settings the settings read, as {@code name=value} pairs
 */
record Durability(String database, boolean durable, String settings) {

    /** Asks the database of {@code db}. */
    static Durability of(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            return switch (db.engine()) {
                case POSTGRESQL -> {
                    String fsync = one(s, "show fsync");
                    String commit = one(s, "show synchronous_commit");
                    yield new Durability(db.target().id(), fsync.equals("on") && !commit.equals("off"),
                            "fsync=" + fsync + ", synchronous_commit=" + commit);
                }
                case MARIADB, MYSQL -> {
                    String flush = one(s, "select @@innodb_flush_log_at_trx_commit");
                    String binlog = one(s, "select @@log_bin");
                    String sync = one(s, "select @@sync_binlog");
                    boolean logBin = binlog.equals("1") || binlog.equalsIgnoreCase("on");
                    yield new Durability(db.target().id(), flush.equals("1") && (!logBin || sync.equals("1")),
                            "innodb_flush_log_at_trx_commit=" + flush + ", log_bin=" + binlog + ", sync_binlog=" + sync);
                }
                case SQLITE -> {
                    // In WAL mode FULL (2) syncs the log at every commit; NORMAL (1) only at checkpoints.
                    String sync = one(s, "pragma synchronous");
                    String journal = one(s, "pragma journal_mode");
                    yield new Durability(db.target().id(), Integer.parseInt(sync) >= 2, "journal_mode=" + journal + ", synchronous=" + sync);
                }
                case H2 -> new Durability(db.target().id(), false, "in memory");
            };
        }
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return String.valueOf(rs.getString(1)).trim();
        }
    }
}
