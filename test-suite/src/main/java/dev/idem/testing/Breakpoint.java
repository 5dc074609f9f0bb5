package dev.idem.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Stops a session just before the first statement that matches, through a {@link JdbcSpy} hook: the
 * test learns which session it is ({@link #awaitReached()}), breaks something, and lets it go on
 * ({@link #resume()}). Fires once. A breakpoint made with {@link #observe} notes the session and lets it
 * run on at once, for a fault aimed at a statement while it waits on a lock.
 */
public final class Breakpoint implements JdbcSpy.Hook {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Engine engine;
    private final Predicate<String> where;
    private final boolean hold;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private volatile boolean armed = true;
    private volatile Faults.Victim victim;
    private volatile SQLException failure;

    private Breakpoint(Engine engine, Predicate<String> where, boolean hold) {
        this.engine = engine;
        this.where = where;
        this.hold = hold;
    }

    /** Holds the first statement whose SQL (lower-cased) satisfies {@code where} until {@link #resume()}. */
    public static Breakpoint before(Engine engine, Predicate<String> where) {
        return new Breakpoint(engine, where, true);
    }

    /** Notes the session of the first statement that satisfies {@code where}, and lets it run. */
    public static Breakpoint observe(Engine engine, Predicate<String> where) {
        return new Breakpoint(engine, where, false);
    }

    /** This breakpoint, installed as {@code spy}'s hook. */
    public Breakpoint on(JdbcSpy spy) {
        spy.beforeExecute(this);
        return this;
    }

    @Override
    public void before(Connection connection, String sql) {
        if (!armed || !where.test(sql.toLowerCase(java.util.Locale.ROOT))) {
            return;
        }
        armed = false;
        try {
            victim = new Faults.Victim(connection, Faults.sessionId(engine, connection), sql);
        } catch (SQLException e) {
            failure = e;
        }
        reached.countDown();
        if (hold) {
            try {
                if (!resumed.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("breakpoint before " + sql + " was never resumed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until a session reaches the statement; returns it. */
    public Faults.Victim awaitReached() throws Exception {
        return awaitReached(null);
    }

    /** Waits until a session reaches the statement, or {@code call} (the one expected to reach it) ends first; returns the session. */
    public Faults.Victim awaitReached(Future<?> call) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!reached.await(10, TimeUnit.MILLISECONDS)) {
            if (call != null && call.isDone() && !wasReached()) {
                try {
                    throw new IllegalStateException("the call ended before it reached the breakpoint, returning " + call.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the call failed before it reached the breakpoint: " + e.getCause(), e.getCause());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no statement reached the breakpoint");
            }
        }
        if (failure != null) {
            throw failure;
        }
        return victim;
    }

    /** Whether a session reached the statement. */
    public boolean wasReached() {
        return reached.getCount() == 0;
    }

    /** Lets the held session run its statement. */
    public void resume() {
        resumed.countDown();
    }
}
