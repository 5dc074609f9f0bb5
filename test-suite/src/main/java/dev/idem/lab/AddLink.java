package dev.idem.lab;

import dev.idem.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Many-to-many add (the {@code image.tags.add(tag)} thread): every worker of a round links the same
 * image to the same tag. The link table's primary key is the pair, as an ORM declares it; there must be
 * one link row and no error.
 */
final class AddLink implements Scenario {

    @Override
    public String id() {
        return "add-link";
    }

    @Override
    public String title() {
        return "many-to-many add: N callers link the same image and tag at once";
    }

    @Override
    public List<Strategy> strategies() {
        return List.of(new NaiveAddLink(), new LockParentAddLink(), new IdemAddLink(), new IdemHibernateAddLink());
    }

    @Override
    public void setUp(TestDatabase db, Strategy strategy, int rounds) throws SQLException {
        db.execute("create table image (id bigint primary key, title varchar(100) not null)",
                "create table tag (id bigint primary key, title varchar(100) not null)",
                // Table-level foreign keys: MySQL 8.0 parses and silently ignores an inline column REFERENCES.
                "create table image_tags (image_id bigint not null, tag_id bigint not null, primary key (image_id, tag_id),"
                        + " foreign key (image_id) references image (id), foreign key (tag_id) references tag (id))");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            for (String table : List.of("image", "tag")) {
                try (PreparedStatement ps = c.prepareStatement("insert into " + table + " (id, title) values (?, ?)")) {
                    for (int round = 0; round < rounds; round++) {
                        ps.setLong(1, id(round));
                        ps.setString(2, table + "-" + round);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            c.commit();
        }
    }

    @Override
    public Tally tally(Connection connection, int rounds) throws SQLException {
        Map<Long, Long> rows = new HashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("select image_id, tag_id, count(*) from image_tags group by image_id, tag_id")) {
            while (rs.next()) {
                // Only the pair (id(r), id(r)) is ever linked; another pair would be a bug of the lab.
                if (rs.getLong(1) != rs.getLong(2)) {
                    throw new IllegalStateException("unexpected link " + rs.getLong(1) + "-" + rs.getLong(2));
                }
                rows.put(rs.getLong(1), rs.getLong(3));
            }
        }
        return Tally.of(rows, rounds, AddLink::id);
    }

    /** The id of the image, and of the tag, that every worker of {@code round} links. */
    static long id(int round) {
        return round + 1L;
    }

    static boolean linked(Connection c, long image, long tag) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select tag_id from image_tags where image_id = ? and tag_id in (?)")) {
            ps.setLong(1, image);
            ps.setLong(2, tag);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void link(Connection c, long image, long tag) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into image_tags (image_id, tag_id) values (?, ?)")) {
            ps.setLong(1, image);
            ps.setLong(2, tag);
            ps.executeUpdate();
        }
    }

    /** Select the link, insert it when absent: {@code image.tags.add(tag)}. */
    static Outcome selectThenInsert(Arena arena, Connection c, int round) throws SQLException {
        long id = id(round);
        if (linked(c, id, id)) {
            return Outcome.found(id);
        }
        arena.think();
        link(c, id, id);
        return Outcome.created(id);
    }
}
