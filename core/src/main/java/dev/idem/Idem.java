package dev.idem;

import dev.idem.internal.Claims;
import dev.idem.internal.Database;
import dev.idem.internal.GetOrCreate;
import dev.idem.internal.GetOrCreateAll;
import dev.idem.internal.Links;
import dev.idem.internal.Transactions;
import dev.idem.internal.Transactions.OnLostConnection;
import dev.idem.internal.Updates;
import dev.idem.spi.Dialect;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The entry point: race-free get-or-create, idempotent links, work-queue claims, and updates that lose
 * nothing, on one database.
 *
 * <pre>{@code
 * Idem idem = Idem.create(dataSource);
 * Table tag = Table.named("tag").key("title").generatedKey("id");
 * Got got = idem.getOrCreate(tag, Values.of("title", "urgent"), Values.of("color", "red"));
 * LinkTable imageTags = LinkTable.named("image_tags").columns("image_id", "tag_id");
 * boolean added = idem.addLink(imageTags, 2L, 6L);
 * Queue tasks = Queue.named("task").key("id").eligible(Values.of("status", "new")).orderBy("id");
 * List<Claim> mine = idem.claim(tasks, "worker-7", 10, Duration.ofMinutes(5));
 * }</pre>
 *
 * <p>Called on {@code Idem} itself, each operation takes a connection from the data source and runs in
 * auto-commit mode, a transaction of its own; Idem retries it after a deadlock, a serialization failure
 * or {@code SQLITE_BUSY} (bounded, with jitter, as the {@link RetryPolicy} allows), and after a lost
 * connection where running it again cannot apply it twice: always when the database rolled the lost attempt
 * back (it was lost before its write, or in a transaction of Idem's own before the COMMIT); after a write
 * that commits by itself was lost in flight, only for the operations that are idempotent by key
 * ({@code getOrCreate}, {@code getOrCreateAll}, {@code updateOrCreate}, the links, {@code finish},
 * {@code release}, {@code renew}) and for {@code claim}, whose lost claim's rows return to the queue when
 * their lease lapses. When the lost write may have taken effect and the retry cannot prove it did not (it
 * found the row, the link, the claim already ended), or when the lost write is not idempotent (a
 * one-statement {@code increment}, the COMMIT of an {@code update}, {@code updateAll} or
 * {@code inTransaction}), {@link OutcomeUnknownException} says so rather than guess a wrong
 * {@code created} or apply a change twice. Through {@link #on(Connection)} the operations run inside
 * the caller's transaction, which Idem never commits or rolls back: when only running the whole
 * transaction again can help, they throw {@link RetryTransactionException}, and
 * {@link #inTransaction(TransactionWork, RetryPolicy)} is the helper that does that.
 *
 * <p><b>Which connections are Idem's own.</b> Idem never turns auto-commit on or off on, commits or rolls
 * back a connection that may carry someone else's transaction. It takes as its own only a connection that
 * the data source hands out in auto-commit mode (a pool's connection, HikariCP's default); it runs its
 * statements there, or, in {@code inTransaction}, its own transaction, and hands the connection back in
 * auto-commit mode. A connection that comes with auto-commit off may belong to a transaction in progress
 * (Spring's {@code TransactionAwareDataSourceProxy} inside {@code @Transactional}, a JTA data source),
 * which JDBC cannot tell from a pool configured with auto-commit off: Idem refuses it with an
 * {@link IllegalStateException} before running any statement. Inside a transaction, use
 * {@link #on(Connection)} on the transaction's connection (in a Spring application, the {@code idem-spring}
 * module does). A data source that hands out a fresh connection in auto-commit mode while the caller holds
 * another in a transaction (a plain pool called inside {@code @Transactional}) is not refused, but Idem's
 * writes then commit at once, outside the caller's transaction, and take a second pool connection.
 *
 * <p>The dialect is detected once, from the first connection's {@link java.sql.DatabaseMetaData}; each
 * table is checked against the catalog once and its SQL cached. Thread-safe; create one per data source.
 */
public final class Idem implements Operations {

    private final Database database;
    private final Transactions transactions;
    private final GetOrCreate getOrCreate;
    private final GetOrCreateAll getOrCreateAll;
    private final Links links;
    private final Claims claims;
    private final Updates updates;

    private Idem(DataSource dataSource, Dialect dialect, RetryPolicy retryPolicy) {
        this.database = new Database(dialect);
        this.transactions = new Transactions(dataSource, Objects.requireNonNull(retryPolicy, "retryPolicy"), database);
        this.getOrCreate = new GetOrCreate(database);
        this.getOrCreateAll = new GetOrCreateAll(database, transactions, getOrCreate);
        this.links = new Links(database, transactions);
        this.claims = new Claims(database, transactions);
        this.updates = new Updates(database, transactions, getOrCreate);
    }

    /** Idem on {@code dataSource}, with the dialect detected from it and the {@linkplain RetryPolicy#defaults() default retries}. */
    public static Idem create(DataSource dataSource) {
        return new Idem(Objects.requireNonNull(dataSource, "dataSource"), null, RetryPolicy.defaults());
    }

    /**
     * Idem with no data source, for a framework that owns the connections (an ORM session, a template):
     * only {@link #on(Connection)} works; the operations on Idem itself and {@code inTransaction} throw
     * {@link IllegalStateException}. The dialect is detected from the first connection handed in.
     */
    public static Idem forConnections() {
        return new Idem(null, null, RetryPolicy.defaults());
    }

    /** Idem on {@code dataSource} with its own retry policy for the operations it runs in transactions of its own. */
    public static Idem create(DataSource dataSource, RetryPolicy retryPolicy) {
        return new Idem(Objects.requireNonNull(dataSource, "dataSource"), null, retryPolicy);
    }

    /** Idem on {@code dataSource} with an explicit dialect, for a database Idem does not know. */
    public static Idem create(DataSource dataSource, Dialect dialect) {
        return new Idem(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(dialect, "dialect"), RetryPolicy.defaults());
    }

    /**
     * The operations inside the caller's transaction on {@code connection}, which Idem never commits or
     * rolls back, nor switches to or from auto-commit. In auto-commit mode each statement is its own
     * transaction, and Idem retries as on a connection of its own.
     *
     * <p>Under REPEATABLE READ on MySQL and MariaDB (their default), a row that another transaction
     * committed after this transaction took its snapshot is found by Idem's locking re-read and returned,
     * yet this transaction's later plain reads (a {@code SELECT}, an ORM's {@code find}) cannot see it:
     * InnoDB keeps a snapshot to the end of its transaction and lets in only the transaction's own writes,
     * and Idem does not write someone else's row to bring it in (that would lock it exclusively and fire
     * its update triggers). Use the row Idem returns ({@link Got#row()}), read it again with a locking
     * read ({@code LOCK IN SHARE MODE}, {@code FOR UPDATE}; {@code LockModeType.PESSIMISTIC_READ} in
     * Jakarta Persistence, as {@code idem-hibernate}'s {@code IdemSession} does), or run such transactions
     * at READ COMMITTED. The other databases have no such gap: PostgreSQL raises a serialization failure
     * and H2's snapshot hides the row from Idem too ({@link RetryTransactionException} on both), and SQLite
     * serializes writers.
     */
    public Operations on(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return new Operations() {
            @Override
            public Got getOrCreate(Table table, Values key, Values defaults) {
                return transactions.onCallerConnection(connection, c -> getOrCreate.run(c, table, key, defaults));
            }

            @Override
            public List<Got> getOrCreateAll(Table table, List<Values> rows) {
                Objects.requireNonNull(table, "table");
                Objects.requireNonNull(rows, "rows");
                return transactions.onCallerConnection(connection, c -> getOrCreateAll.run(c, table, rows));
            }

            @Override
            public boolean addLink(LinkTable table, Object owner, Object target) {
                return transactions.onCallerConnection(connection, c -> links.addLink(c, table, owner, target));
            }

            @Override
            public Linked addLinks(LinkTable table, Object owner, Collection<?> targets) {
                return transactions.onCallerConnection(connection, c -> links.addLinks(c, table, owner, targets));
            }

            @Override
            public boolean removeLink(LinkTable table, Object owner, Object target) {
                return transactions.onCallerConnection(connection, c -> links.removeLink(c, table, owner, target));
            }

            @Override
            public List<Claim> claim(Queue queue, String worker, int limit, Duration lease) {
                return transactions.onCallerConnection(connection, c -> claims.claim(c, queue, worker, limit, lease));
            }

            @Override
            public boolean finish(Queue queue, Claim claim, Values changes) {
                return transactions.onCallerConnection(connection, c -> claims.finish(c, queue, claim, changes));
            }

            @Override
            public boolean release(Queue queue, Claim claim, Values changes) {
                return transactions.onCallerConnection(connection, c -> claims.release(c, queue, claim, changes));
            }

            @Override
            public boolean renew(Queue queue, Claim claim, Duration lease) {
                return transactions.onCallerConnection(connection, c -> claims.renew(c, queue, claim, lease));
            }

            @Override
            public Row update(Table table, Values key, Function<? super Row, Values> change) {
                return transactions.onCallerConnection(connection, c -> updates.update(c, table, key, change));
            }

            @Override
            public List<Row> updateAll(Table table, List<Values> keys, Function<? super List<Row>, ? extends List<Values>> change) {
                return transactions.onCallerConnection(connection, c -> updates.updateAll(c, table, keys, change));
            }

            @Override
            public Row increment(Table table, Values key, String column, long delta) {
                return transactions.onCallerConnection(connection, c -> updates.increment(c, table, key, column, delta));
            }

            @Override
            public Got updateOrCreate(Table table, Values key, Values values) {
                return transactions.onCallerConnection(connection, c -> updates.updateOrCreate(c, table, key, values));
            }
        };
    }

    /**
     * Checks {@code table} against the catalog through {@code connection} now, as its first operation
     * would, and caches the result. Reads only metadata. Lets a caller that reads rows by other means (an
     * ORM query, say) refuse a table without a unique constraint on its key before it reads anything.
     *
     * @throws SchemaMismatchException when the table, a column, or a unique constraint on the key is missing
     */
    public void check(Connection connection, Table table) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(table, "table");
        transactions.onCallerConnection(connection, c -> {
            database.check(c, table);
            return null;
        });
    }

    /**
     * Runs {@code work} in a transaction on a connection of Idem's own and commits it; after a
     * {@link RetryTransactionException} or a transient database error, rolls back and runs it again, as
     * {@code policy} allows. On SQLite the transaction begins IMMEDIATE. Inside, use {@link #on(Connection)}.
     */
    public <T> T inTransaction(TransactionWork<T> work, RetryPolicy policy) {
        return transactions.inTransaction(Objects.requireNonNull(work, "work"), Objects.requireNonNull(policy, "policy"));
    }

    /** {@link #inTransaction(TransactionWork, RetryPolicy)} with the {@linkplain RetryPolicy#defaults() default policy}. */
    public <T> T inTransaction(TransactionWork<T> work) {
        return inTransaction(work, RetryPolicy.defaults());
    }

    @Override
    public Got getOrCreate(Table table, Values key, Values defaults) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(defaults, "defaults");
        return transactions.withOwnConnection(c -> getOrCreate.run(c, table, key, defaults), OnLostConnection.idempotent(Got::created));
    }

    @Override
    public List<Got> getOrCreateAll(Table table, List<Values> rows) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(rows, "rows");
        // Proof: the retry created every distinct key, so none of them existed, and the lost attempt committed none.
        return transactions.withOwnConnection(c -> getOrCreateAll.run(c, table, rows), OnLostConnection.idempotent(
                all -> all.stream().filter(Got::created).count() == all.stream().map(Got::row).distinct().count()));
    }

    @Override
    public boolean addLink(LinkTable table, Object owner, Object target) {
        return transactions.withOwnConnection(c -> links.addLink(c, table, owner, target), OnLostConnection.idempotent(added -> added));
    }

    @Override
    public Linked addLinks(LinkTable table, Object owner, Collection<?> targets) {
        return transactions.withOwnConnection(c -> links.addLinks(c, table, owner, targets),
                OnLostConnection.idempotent(linked -> linked.existing().isEmpty()));
    }

    @Override
    public boolean removeLink(LinkTable table, Object owner, Object target) {
        return transactions.withOwnConnection(c -> links.removeLink(c, table, owner, target), OnLostConnection.idempotent(removed -> removed));
    }

    @Override
    public List<Claim> claim(Queue queue, String worker, int limit, Duration lease) {
        return transactions.withOwnConnection(c -> claims.claim(c, queue, worker, limit, lease), OnLostConnection.always());
    }

    @Override
    public boolean finish(Queue queue, Claim claim, Values changes) {
        return transactions.withOwnConnection(c -> claims.finish(c, queue, claim, changes), OnLostConnection.idempotent(finished -> finished));
    }

    @Override
    public boolean release(Queue queue, Claim claim, Values changes) {
        return transactions.withOwnConnection(c -> claims.release(c, queue, claim, changes), OnLostConnection.idempotent(released -> released));
    }

    @Override
    public boolean renew(Queue queue, Claim claim, Duration lease) {
        return transactions.withOwnConnection(c -> claims.renew(c, queue, claim, lease), OnLostConnection.idempotent(renewed -> renewed));
    }

    @Override
    public Row update(Table table, Values key, Function<? super Row, Values> change) {
        return transactions.withOwnConnection(c -> updates.update(c, table, key, change), OnLostConnection.beforeCommit());
    }

    @Override
    public List<Row> updateAll(Table table, List<Values> keys, Function<? super List<Row>, ? extends List<Values>> change) {
        return transactions.withOwnConnection(c -> updates.updateAll(c, table, List.copyOf(keys), change), OnLostConnection.beforeCommit());
    }

    @Override
    public Row increment(Table table, Values key, String column, long delta) {
        return transactions.withOwnConnection(c -> updates.increment(c, table, key, column, delta), OnLostConnection.beforeCommit());
    }

    @Override
    public Got updateOrCreate(Table table, Values key, Values values) {
        return transactions.withOwnConnection(c -> updates.updateOrCreate(c, table, key, values), OnLostConnection.idempotent(Got::created));
    }
}
