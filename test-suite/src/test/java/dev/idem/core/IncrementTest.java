package dev.idem.core;

import static dev.idem.core.Ledger.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.Idem;
import dev.idem.IntegrityViolationException;
import dev.idem.NoSuchRowException;
import dev.idem.Row;
import dev.idem.Values;
import dev.idem.testing.DatabaseTest;
import dev.idem.testing.Engine;
import dev.idem.testing.Session;
import dev.idem.testing.TestDatabase;
import java.sql.Connection;

/** {@code increment}: one atomic {@code SET c = c + ?}; a NULL column and an overflow are errors that write nothing, never a silent NULL, wrap or REAL. */
class IncrementTest {

    private static final Values ONE = Values.of("id", 1L);

    @DatabaseTest
    void incrementReturnsTheNewRow(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        Idem idem = Idem.create(db.dataSource());
        assertEquals(10, idem.increment(ACCOUNT, ONE, "points", 10).getLong("points"));
        Row row = idem.increment(ACCOUNT, ONE, "points", -3);
        assertEquals(7, row.getLong("points"));
        assertEquals(100, row.getLong("balance"));
        assertThrows(IllegalArgumentException.class, () -> idem.increment(ACCOUNT, ONE, "id", 1));
    }

    /** NULL + 10 is NULL: the points would vanish without a word. Idem refuses and writes nothing. */
    @DatabaseTest
    void nullColumnIsAnErrorAndNothingIsWritten(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        Idem idem = Idem.create(db.dataSource());
        IntegrityViolationException e = assertThrows(IntegrityViolationException.class, () -> idem.increment(ACCOUNT, ONE, "bonus", 10));
        assertTrue(e.getMessage().contains("NULL"), e::getMessage);
        try (Connection c = db.connect()) {
            assertEquals(0, Naive.count(c, "select count(*) from account where bonus is not null"));
        }
    }

    /**
     * A BIGINT at its maximum plus 5: PostgreSQL, H2, MySQL and MariaDB raise an error; SQLite would store
     * a REAL (9.223372036854776E18) without a word. Idem refuses on all of them and the value stays.
     */
    @DatabaseTest
    void bigintOverflowIsAnErrorNeverAWrapOrAReal(TestDatabase db) throws Exception {
        Ledger.accounts(db, Long.MAX_VALUE - 1);
        Idem idem = Idem.create(db.dataSource());
        IntegrityViolationException e = assertThrows(IntegrityViolationException.class, () -> idem.increment(ACCOUNT, ONE, "balance", 5));
        assertTrue(e.getMessage().contains("overflow"), e::getMessage);
        assertEquals(Long.MAX_VALUE - 1, Ledger.read(db, 1, "balance"));
        assertEquals(Long.MAX_VALUE, idem.increment(ACCOUNT, ONE, "balance", 1).getLong("balance"));
        assertThrows(IntegrityViolationException.class, () -> idem.increment(ACCOUNT, ONE, "balance", 1));
        assertEquals(Long.MIN_VALUE, idem.increment(ACCOUNT, ONE, "points", Long.MIN_VALUE).getLong("points"));
        assertThrows(IntegrityViolationException.class, () -> idem.increment(ACCOUNT, ONE, "points", -1));
    }

    /** An INT column past 2^31 - 1 (SQLite has no narrow integers). */
    @DatabaseTest({Engine.POSTGRESQL, Engine.MARIADB, Engine.MYSQL, Engine.H2})
    void intColumnOverflowIsAnError(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        db.execute("update account set level = " + Integer.MAX_VALUE);
        Idem idem = Idem.create(db.dataSource());
        assertThrows(IntegrityViolationException.class, () -> idem.increment(ACCOUNT, ONE, "level", 1));
        assertEquals(Integer.MAX_VALUE, Ledger.read(db, 1, "level"));
    }

    /** Outside strict mode MySQL and MariaDB clamp an overflowing INT and only warn: Idem reads the warning and rolls back. */
    @DatabaseTest({Engine.MARIADB, Engine.MYSQL})
    void clampedValueOutsideStrictModeIsAnErrorAndRolledBack(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        db.execute("update account set level = " + (Integer.MAX_VALUE - 1));
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db)) {
            a.execute("set session sql_mode = ''");
            assertThrows(IntegrityViolationException.class, () -> a.call(c -> idem.on(c).increment(ACCOUNT, ONE, "level", 5)));
            a.begin();
            assertThrows(IntegrityViolationException.class, () -> a.call(c -> idem.on(c).increment(ACCOUNT, ONE, "level", 5)));
            assertEquals(1, a.call(c -> idem.on(c).increment(ACCOUNT, ONE, "points", 1)).getLong("points"));
            a.commit();
        }
        assertEquals(Integer.MAX_VALUE - 1, Ledger.read(db, 1, "level"));
        assertEquals(1, Ledger.read(db, 1, "points"));
    }

    /** In the caller's transaction an overflow leaves it usable (PostgreSQL aborts a transaction on any error: a savepoint keeps it alive). */
    @DatabaseTest
    void overflowInTheCallersTransactionLeavesItUsable(TestDatabase db) throws Exception {
        Ledger.accounts(db, Long.MAX_VALUE);
        Idem idem = Idem.create(db.dataSource());
        try (Session a = Session.open(db)) {
            a.begin();
            assertEquals(1, a.call(c -> idem.on(c).increment(ACCOUNT, ONE, "points", 1)).getLong("points"));
            assertThrows(IntegrityViolationException.class, () -> a.call(c -> idem.on(c).increment(ACCOUNT, ONE, "balance", 1)));
            assertEquals(2, a.call(c -> idem.on(c).increment(ACCOUNT, ONE, "points", 1)).getLong("points"));
            a.commit();
        }
        assertEquals(2, Ledger.read(db, 1, "points"));
    }

    @DatabaseTest
    void incrementOfAMissingRowIsAnErrorNamingTableAndKey(TestDatabase db) throws Exception {
        Ledger.accounts(db, 100);
        NoSuchRowException e = assertThrows(NoSuchRowException.class,
                () -> Idem.create(db.dataSource()).increment(ACCOUNT, Values.of("id", 7L), "points", 1));
        assertEquals(Values.of("id", 7L), e.key());
        assertTrue(e.table().equalsIgnoreCase("account"), e::table);
        assertNull(e.getCause());
    }
}
