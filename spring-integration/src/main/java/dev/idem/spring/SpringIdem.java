package dev.idem.spring;

import dev.idem.Claim;
import dev.idem.Got;
import dev.idem.Idem;
import dev.idem.IdemException;
import dev.idem.LinkTable;
import dev.idem.Linked;
import dev.idem.Operations;
import dev.idem.Queue;
import dev.idem.Row;
import dev.idem.Table;
import dev.idem.Values;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Idem's operations in the current Spring transaction: each call runs on the connection that transaction
 * holds (through {@link DataSourceUtils}, as {@code JdbcTemplate} does), so Idem's rows commit and roll
 * back with the caller's, no second pool connection is taken, and Idem never commits, rolls back or
 * switches the auto-commit mode of that connection. Only when no transaction is active does a call take a
 * connection of its own, in auto-commit mode (each statement its own transaction, retried by Idem after a
 * deadlock or a serialization failure), and hand it back as it came.
 *
 * <pre>{@code
 * @Service
 * class Tagging {
 *     private static final Table TAG = Table.named("tag").key("title").generatedKey("id");
 *     private final SpringIdem idem;   // auto-configured by Spring Boot
 *
 *     @Transactional
 *     long tag(long imageId, String title) {
 *         long tagId = idem.getOrCreate(TAG, Values.of("title", title)).longId();
 *         idem.addLink(LinkTable.named("image_tags").columns("image_id", "tag_id"), imageId, tagId);
 *         return tagId;
 *     }
 * }
 * }</pre>
 *
 * <p>Failures come as Spring's {@link org.springframework.dao.DataAccessException}s (see
 * {@link IdemExceptionTranslator}): when only running the whole transaction again can help, a
 * {@link org.springframework.dao.PessimisticLockingFailureException}, a
 * {@link org.springframework.dao.TransientDataAccessException}. Retry the transaction from outside it,
 * with Spring's {@code @Retryable(includes = TransientDataAccessException.class)} on a method that calls
 * the {@code @Transactional} one (and {@code @EnableResilientMethods} on a configuration class).
 *
 * <p>On MySQL and MariaDB under REPEATABLE READ, a row another transaction committed after this
 * transaction's snapshot is returned but stays invisible to the transaction's later plain reads: see
 * {@link Idem#on(Connection)}. {@link SpringIdemSession} reads such a row with a locking read.
 *
 * <p>A {@code TransactionAwareDataSourceProxy} is looked through, as Spring's transaction managers do.
 * Thread-safe; one per data source.
 */
public final class SpringIdem implements Operations {

    private final DataSource dataSource;
    private final Idem idem = Idem.forConnections();

    private SpringIdem(DataSource dataSource) {
        this.dataSource = dataSource instanceof TransactionAwareDataSourceProxy proxy ? proxy.getTargetDataSource() : dataSource;
    }

    /** Idem on {@code dataSource}, the data source of the application's transaction manager (or a transaction-aware proxy of it). */
    public static SpringIdem of(DataSource dataSource) {
        return new SpringIdem(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Runs {@code work} with Idem's operations on the current transaction's connection (or, with no
     * transaction active, on a connection of its own in auto-commit mode), translating Idem's exceptions
     * into Spring's. For several operations on one connection, or for operations this class does not list.
     */
    public <T> T run(Function<? super Operations, T> work) {
        Objects.requireNonNull(work, "work");
        boolean inTransaction = TransactionSynchronizationManager.isActualTransactionActive();
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            boolean bound = DataSourceUtils.isConnectionTransactional(connection, dataSource);
            if (connection.getAutoCommit() || (inTransaction && bound)) {
                return work.apply(idem.on(connection));
            }
            if (bound) {
                throw new IllegalTransactionStateException("The connection bound to this thread has auto-commit off but no transaction is active"
                        + " (a non-transactional scope on a pool with auto-commit off): Idem's writes would never be committed. Call Idem"
                        + " inside a @Transactional method.");
            }
            return onOwnConnection(connection, work);
        } catch (IdemException e) {
            throw IdemExceptionTranslator.translate(e);
        } catch (SQLException e) {
            throw IdemExceptionTranslator.translate("Idem: switch a connection of its own to auto-commit", e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /**
     * A connection no transaction holds, fresh from a pool configured with auto-commit off: Idem's own for
     * this call, so it runs in auto-commit mode and goes back with auto-commit off.
     */
    private <T> T onOwnConnection(Connection connection, Function<? super Operations, T> work) throws SQLException {
        connection.setAutoCommit(true);
        T result;
        try {
            result = work.apply(idem.on(connection));
        } catch (RuntimeException | Error e) {
            try {
                connection.setAutoCommit(false);
            } catch (SQLException suppressed) { // a lost connection: Idem's own answer (say, outcome unknown) is what counts
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        connection.setAutoCommit(false);
        return result;
    }

    @Override
    public Got getOrCreate(Table table, Values key, Values defaults) {
        return run(operations -> operations.getOrCreate(table, key, defaults));
    }

    @Override
    public List<Got> getOrCreateAll(Table table, List<Values> rows) {
        return run(operations -> operations.getOrCreateAll(table, rows));
    }

    @Override
    public boolean addLink(LinkTable table, Object owner, Object target) {
        return run(operations -> operations.addLink(table, owner, target));
    }

    @Override
    public Linked addLinks(LinkTable table, Object owner, Collection<?> targets) {
        return run(operations -> operations.addLinks(table, owner, targets));
    }

    @Override
    public boolean removeLink(LinkTable table, Object owner, Object target) {
        return run(operations -> operations.removeLink(table, owner, target));
    }

    /**
     * {@inheritDoc}
     *
     * <p>In a Spring transaction the claim joins it: the rows are claimed when it commits, and stay waiting
     * if it rolls back. Commit soon, and work on the rows in transactions of their own.
     */
    @Override
    public List<Claim> claim(Queue queue, String worker, int limit, Duration lease) {
        return run(operations -> operations.claim(queue, worker, limit, lease));
    }

    @Override
    public boolean finish(Queue queue, Claim claim, Values changes) {
        return run(operations -> operations.finish(queue, claim, changes));
    }

    @Override
    public boolean release(Queue queue, Claim claim, Values changes) {
        return run(operations -> operations.release(queue, claim, changes));
    }

    @Override
    public boolean renew(Queue queue, Claim claim, Duration lease) {
        return run(operations -> operations.renew(queue, claim, lease));
    }

    /**
     * {@link Operations#update} in the current transaction: the row stays locked until that transaction ends,
     * and a deadlock or serialization failure is the whole transaction's to retry (see above).
     */
    @Override
    public Row update(Table table, Values key, Function<? super Row, Values> change) {
        return run(operations -> operations.update(table, key, change));
    }

    /** {@link Operations#updateAll} in the current transaction: the rows stay locked until that transaction ends. */
    @Override
    public List<Row> updateAll(Table table, List<Values> keys, Function<? super List<Row>, ? extends List<Values>> change) {
        return run(operations -> operations.updateAll(table, keys, change));
    }

    @Override
    public Row increment(Table table, Values key, String column, long delta) {
        return run(operations -> operations.increment(table, key, column, delta));
    }

    @Override
    public Got updateOrCreate(Table table, Values key, Values values) {
        return run(operations -> operations.updateOrCreate(table, key, values));
    }
}
