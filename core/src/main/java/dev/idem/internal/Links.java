package dev.idem.internal;

import dev.idem.IntegrityViolationException;
import dev.idem.LinkTable;
import dev.idem.Linked;
import dev.idem.spi.BoundValue;
import dev.idem.spi.Dialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Idempotent many-to-many links: one row per pair, whoever adds it and however often, and every error
 * but "the link exists" kept loud. Runs on the connection it is given; several statements that must take
 * effect together run as one transaction through {@link Transactions#asOneTransaction}.
 */
public final class Links {

    /**
     * The order keys and targets are locked in, on values already {@link #normalize normalized}: numbers by value,
     * anything else by its text. One total order that every caller agrees on.
     */
    static final Comparator<Object> LOCK_ORDER = (x, y) -> {
        if (x instanceof BigDecimal m && y instanceof BigDecimal n) {
            return m.compareTo(n);
        }
        return x.toString().compareTo(y.toString());
    };

    /** Insert, check, insert again: more than one round only when the pair vanishes in between. */
    private static final int ROUNDS = 3;

    private final Database database;
    private final Transactions transactions;

    public Links(Database database, Transactions transactions) {
        this.database = database;
        this.transactions = transactions;
    }

    public boolean addLink(Connection connection, LinkTable table, Object owner, Object target) throws SQLException {
        requireSides(table, owner, Collections.singletonList(target));
        Dialect d = database.dialect(connection);
        return linkOne(connection, d, database.shape(connection, table.asTable()), owner, target);
    }

    public Linked addLinks(Connection connection, LinkTable table, Object owner, Collection<?> targets) throws SQLException {
        requireSides(table, owner, targets);
        Dialect d = database.dialect(connection);
        Map<Object, Object> wanted = new LinkedHashMap<>();
        targets.forEach(t -> wanted.putIfAbsent(normalize(t), t));
        // Every caller inserts in the same order, so concurrent multi-row inserts cannot deadlock each other.
        List<Object> order = new ArrayList<>(wanted.keySet());
        order.sort(LOCK_ORDER); // the targets normalized, each once
        List<Object> lockOrder = new ArrayList<>(order.size());
        order.forEach(value -> lockOrder.add(wanted.get(value)));
        Shape shape = database.shape(connection, table.asTable());
        boolean oneStatement = d.returnsInsertedLinks() && lockOrder.size() <= d.maxParameters() / 2;
        // Several statements in auto-commit mode would each commit: a failure halfway would leave some links,
        // and a retry would report them as existing. They run as one transaction of Idem's own instead.
        Set<Object> linked = oneStatement
                ? link(connection, d, shape, owner, lockOrder)
                : transactions.asOneTransaction(connection, c -> link(c, d, shape, owner, lockOrder));
        List<Object> added = new ArrayList<>();
        List<Object> existing = new ArrayList<>();
        wanted.forEach((value, target) -> (linked.contains(value) ? added : existing).add(target));
        return new Linked(added, existing);
    }

    public boolean removeLink(Connection connection, LinkTable table, Object owner, Object target) throws SQLException {
        requireSides(table, owner, Collections.singletonList(target));
        Shape shape = database.shape(connection, table.asTable());
        try (PreparedStatement ps = connection.prepareStatement(shape.deleteLink())) {
            Statements.bind(ps, owner, target);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw database.translateWrite(e, "delete from " + shape.display, connection);
        }
    }

    /**
     * Links {@code owner} to each of {@code targets} (distinct), returning the {@linkplain #normalize
     * normalized} targets this call linked. Where the insert returns what it inserted, one statement per
     * chunk; otherwise a read of the existing links, then one insert of the rest. A pair linked
     * concurrently in between fails that insert as a whole, and the pairs are then linked one by one.
     */
    private Set<Object> link(Connection connection, Dialect d, Shape shape, Object owner, List<Object> targets) throws SQLException {
        Set<Object> added = new HashSet<>();
        List<Object> missing = targets;
        if (!d.returnsInsertedLinks() && targets.size() > 1) {
            List<Object> existing = existingTargets(connection, d, shape, owner, targets);
            missing = new ArrayList<>(targets);
            missing.removeIf(t -> existing.contains(normalize(t)));
        }
        for (List<Object> chunk : chunks(missing, d.maxParameters() / 2)) {
            Insert insert = insertLinks(connection, d, shape, owner, chunk);
            if (insert.inserted() != null) {
                added.addAll(insert.inserted());
            } else {
                for (Object target : chunk) {
                    if (linkOne(connection, d, shape, owner, target)) {
                        added.add(normalize(target));
                    }
                }
            }
        }
        return added;
    }

    /**
     * Links one pair; true when this call inserted it. A unique violation that names the link's key
     * proves the pair exists. An unnamed one may be another constraint's, and H2's "concurrent update"
     * (90131) proves nothing: those are checked with a read, and the insert is tried again when the pair
     * is not there.
     */
    private boolean linkOne(Connection connection, Dialect d, Shape shape, Object owner, Object target) throws SQLException {
        SQLException unproven = null;
        for (int round = 1; round <= ROUNDS; round++) {
            Insert insert = insertLinks(connection, d, shape, owner, List.of(target));
            if (insert.inserted() != null) {
                return !insert.inserted().isEmpty();
            }
            boolean proven = insert.conflict() == Database.Conflict.ON_KEY
                    && database.classify(insert.error()) == SqlErrors.Kind.UNIQUE_VIOLATION;
            if (proven || pairExists(connection, shape, owner, target)) {
                return false;
            }
            unproven = insert.error();
        }
        if (database.classify(unproven).isTransient()) {
            throw database.translate(unproven, "insert into " + shape.display);
        }
        throw new IntegrityViolationException("Linking " + owner + " to " + target + " in " + shape.display + " kept failing on a unique"
                + " constraint, yet no such link exists: the conflict is on another unique constraint. " + unproven.getMessage(), null, unproven);
    }

    /** What one link insert did: the normalized targets it inserted, or (when null) the conflict that stopped it. */
    private record Insert(Set<Object> inserted, Database.Conflict conflict, SQLException error) {
    }

    /** Runs the dialect's link insert under a savepoint where a failure would abort the caller's transaction. */
    private Insert insertLinks(Connection connection, Dialect d, Shape shape, Object owner, List<Object> targets) throws SQLException {
        Savepoint savepoint = Statements.savepointIfNeeded(connection, d);
        try (PreparedStatement ps = connection.prepareStatement(shape.links(targets.size()))) {
            Statements.bindPairs(ps, owner, targets);
            Set<Object> inserted = new HashSet<>();
            if (!d.returnsInsertedLinks()) {
                ps.executeUpdate();
                targets.forEach(t -> inserted.add(normalize(t)));
            } else if (ps.execute()) {
                List<Object> unmatched = new ArrayList<>();
                Set<Object> given = new HashSet<>();
                targets.forEach(t -> given.add(normalize(t)));
                try (ResultSet rs = ps.getResultSet()) {
                    Class<?> type = commonType(targets);
                    while (rs.next()) {
                        Object value = matching(targets, given, returned(rs, type));
                        (given.contains(value) ? inserted : unmatched).add(value);
                    }
                }
                if (!unmatched.isEmpty()) {
                    inserted.addAll(unmatchedTargets(shape, targets, inserted, unmatched));
                }
            }
            Statements.release(connection, savepoint);
            return new Insert(inserted, null, null);
        } catch (SQLException e) {
            Statements.rollbackTo(connection, savepoint, e);
            Database.Conflict conflict = database.conflict(e, shape);
            if (conflict != Database.Conflict.NONE) {
                return new Insert(null, conflict, e);
            }
            throw database.translateWrite(e, "insert into " + shape.display, connection);
        }
    }

    /**
     * The targets behind returned values that match none of the caller's: the database stored them
     * converted (SQLite's NUMERIC keeps a long decimal as a double). Each returned row is one inserted
     * target, so when as many targets as returned values are still unmatched, they are the ones inserted.
     * Otherwise which of them were new cannot be told, and saying so beats reporting a new link as existing.
     */
    private static List<Object> unmatchedTargets(Shape shape, List<Object> targets, Set<Object> matched, List<Object> returned) {
        List<Object> candidates = new ArrayList<>();
        for (Object target : targets) {
            if (!matched.contains(normalize(target))) {
                candidates.add(normalize(target));
            }
        }
        if (candidates.size() == returned.size()) {
            return candidates;
        }
        throw new IllegalStateException("The links are in place in " + shape.display + ", but the database returned the new targets " + returned
                + " converted from the values given, so which of " + candidates + " were new cannot be told: give values of the column's own type");
    }

    /** The class all targets share, to read returned values as; null when they differ or bind themselves. */
    private static Class<?> commonType(List<Object> targets) {
        Class<?> type = targets.get(0).getClass();
        for (Object target : targets) {
            if (target.getClass() != type || target instanceof BoundValue) {
                return null;
            }
        }
        return type;
    }

    /** A returned target, read as the caller's type where the driver can (a LocalDateTime, not a Timestamp). */
    private static Object returned(ResultSet rs, Class<?> type) throws SQLException {
        if (type != null && !Number.class.isAssignableFrom(type)) {
            try {
                return rs.getObject(1, type);
            } catch (SQLException | RuntimeException unsupported) {
                // the driver cannot convert to the caller's type: compare the value as it comes
            }
        }
        return rs.getObject(1);
    }

    /**
     * The normalized caller's target a returned value stands for. A CHAR(n) column returns the value
     * padded with spaces, which SQL compares as equal to the unpadded one.
     */
    private static Object matching(List<Object> targets, Set<Object> given, Object returned) {
        Object value = normalize(returned);
        if (returned instanceof String text && !given.contains(value)) {
            for (Object target : targets) {
                if (target instanceof String t && t.stripTrailing().equals(text.stripTrailing())) {
                    return normalize(t);
                }
            }
        }
        return value;
    }

    /** Whether the pair is linked, read as current data (a locking read on MySQL and MariaDB). */
    private boolean pairExists(Connection connection, Shape shape, Object owner, Object target) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(shape.lockingSelectLink())) {
            Statements.bind(ps, owner, target);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw database.translate(e, "read " + shape.display);
        }
    }

    private List<Object> existingTargets(Connection connection, Dialect d, Shape shape, Object owner, List<Object> targets) throws SQLException {
        List<Object> existing = new ArrayList<>();
        for (List<Object> chunk : chunks(targets, d.maxParameters() - 1)) {
            try (PreparedStatement ps = connection.prepareStatement(shape.lockingSelectLinkedTargets(chunk.size()))) {
                List<Object> params = new ArrayList<>(chunk.size() + 1);
                params.add(owner);
                params.addAll(chunk);
                Statements.bind(ps, params.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.add(normalize(rs.getObject(1)));
                    }
                }
            } catch (SQLException e) {
                throw database.translate(e, "read " + shape.display);
            }
        }
        return existing;
    }

    private static void requireSides(LinkTable table, Object owner, Collection<?> targets) {
        if (owner == null) {
            throw new IllegalArgumentException("The owner of a link in " + table.name() + " must not be null");
        }
        for (Object target : targets) {
            if (target == null) {
                throw new IllegalArgumentException("A target of a link in " + table.name() + " is null; NULLs never conflict, so links to it would pile up");
            }
        }
    }

    /** Compares values the way the database would: 7 (Integer) and 7 (Long) are the same target. */
    static Object normalize(Object value) {
        if (value instanceof BoundValue bound) {
            return normalize(bound.value());
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue()).stripTrailingZeros();
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros();
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        // One instant, whatever the offset it is written in: a timestamptz comes back in the session's zone.
        if (value instanceof OffsetDateTime time) {
            return time.toInstant().toString();
        }
        if (value instanceof ZonedDateTime time) {
            return time.toInstant().toString();
        }
        return value.toString();
    }

    private static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            chunks.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return chunks;
    }
}
