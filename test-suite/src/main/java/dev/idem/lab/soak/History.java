package dev.idem.lab.soak;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Every answer the callers got, aggregated per key, link, queue row, counter and account as it comes, so
 * that memory stays bounded however many calls run (a queue row costs eight bytes). Thread-safe.
 */
final class History {

    final Tags tags;
    final Links links;
    final QueueRows queue = new QueueRows();
    final Counters counters;
    final Accounts accounts;

    History(Space space) {
        tags = new Tags(space.keys());
        links = new Links(space);
        counters = new Counters(space.counters());
        accounts = new Accounts(space.accounts());
    }

    /** Per tag: answers, {@code created == true} answers, calls whose outcome is unknown, the id answered and any other id. */
    static final class Tags {
        final AtomicIntegerArray answers;
        final AtomicIntegerArray created;
        final AtomicIntegerArray uncertain;
        final AtomicLongArray id;
        final AtomicLongArray otherId;

        Tags(int keys) {
            answers = new AtomicIntegerArray(keys);
            created = new AtomicIntegerArray(keys);
            uncertain = new AtomicIntegerArray(keys);
            id = new AtomicLongArray(keys);
            otherId = new AtomicLongArray(keys);
        }

        void answer(int key, boolean wasCreated, long answeredId) {
            answers.incrementAndGet(key);
            if (wasCreated) {
                created.incrementAndGet(key);
            }
            if (!id.compareAndSet(key, 0, answeredId) && id.get(key) != answeredId) {
                otherId.compareAndSet(key, 0, answeredId);
            }
        }

        void uncertain(int key) {
            uncertain.incrementAndGet(key);
        }
    }

    /** Per link: {@code added == true} and {@code false} answers, {@code removed == true} answers, and uncertain adds and removes. */
    static final class Links {
        private static final int ADDED = 0;
        private static final int EXISTED = 1;
        private static final int REMOVED = 2;
        private static final int UNCERTAIN_ADD = 3;
        private static final int UNCERTAIN_REMOVE = 4;
        private static final int FIELDS = 5;

        private final Space space;
        private final AtomicIntegerArray counts;

        Links(Space space) {
            this.space = space;
            this.counts = new AtomicIntegerArray(space.links() * FIELDS);
        }

        void add(int owner, int target, boolean added) {
            bump(owner, target, added ? ADDED : EXISTED);
        }

        void remove(int owner, int target, boolean removed) {
            if (removed) {
                bump(owner, target, REMOVED);
            }
        }

        void uncertainAdd(int owner, int target) {
            bump(owner, target, UNCERTAIN_ADD);
        }

        void uncertainRemove(int owner, int target) {
            bump(owner, target, UNCERTAIN_REMOVE);
        }

        int added(int link) {
            return counts.get(link * FIELDS + ADDED);
        }

        int existed(int link) {
            return counts.get(link * FIELDS + EXISTED);
        }

        int removed(int link) {
            return counts.get(link * FIELDS + REMOVED);
        }

        int uncertainAdds(int link) {
            return counts.get(link * FIELDS + UNCERTAIN_ADD);
        }

        int uncertainRemoves(int link) {
            return counts.get(link * FIELDS + UNCERTAIN_REMOVE);
        }

        private void bump(int owner, int target, int field) {
            counts.incrementAndGet(space.link(owner, target) * FIELDS + field);
        }
    }

    /** Per queue row, by its id: {@code finish == true} answers and finishes whose outcome is unknown, in pages made on demand. */
    static final class QueueRows {
        private static final int PAGE = 1 << 16;
        private final AtomicReferenceArray<AtomicIntegerArray> pages = new AtomicReferenceArray<>(1 << 15);
        private final AtomicLong highest = new AtomicLong();

        void finished(long row) {
            highest.accumulateAndGet(row, Math::max);
            counts(row).incrementAndGet(slot(row));
        }

        void uncertain(long row) {
            counts(row).incrementAndGet(slot(row) + 1);
        }

        /** The highest row a finish answered true for. */
        long highest() {
            return highest.get();
        }

        int finishes(long row) {
            AtomicIntegerArray page = pages.get(pageOf(row));
            return page == null ? 0 : page.get(slot(row));
        }

        int uncertainFinishes(long row) {
            AtomicIntegerArray page = pages.get(pageOf(row));
            return page == null ? 0 : page.get(slot(row) + 1);
        }

        private AtomicIntegerArray counts(long row) {
            int index = pageOf(row);
            AtomicIntegerArray page = pages.get(index);
            if (page == null) {
                pages.compareAndSet(index, null, new AtomicIntegerArray(2 * PAGE));
                page = pages.get(index);
            }
            return page;
        }

        private static int pageOf(long row) {
            return (int) (row / PAGE);
        }

        private static int slot(long row) {
            return (int) (row % PAGE) * 2;
        }
    }

    /** Per counter (ids from 1): the sum of the increments that returned, and of those whose outcome is unknown. */
    static final class Counters {
        final AtomicLongArray applied;
        final AtomicLongArray uncertain;

        Counters(int counters) {
            applied = new AtomicLongArray(counters + 1);
            uncertain = new AtomicLongArray(counters + 1);
        }

        void added(int counter, long delta) {
            applied.addAndGet(counter, delta);
        }

        void uncertain(int counter, long delta) {
            uncertain.addAndGet(counter, delta);
        }
    }

    /** Per account (ids from 1): the net of the transfers that returned; money that unknown transfers may have moved in and out. */
    static final class Accounts {
        final AtomicLongArray net;
        final AtomicLongArray uncertainIn;
        final AtomicLongArray uncertainOut;

        Accounts(int accounts) {
            net = new AtomicLongArray(accounts + 1);
            uncertainIn = new AtomicLongArray(accounts + 1);
            uncertainOut = new AtomicLongArray(accounts + 1);
        }

        void moved(int from, int to, long amount) {
            net.addAndGet(from, -amount);
            net.addAndGet(to, amount);
        }

        void uncertain(int from, int to, long amount) {
            uncertainOut.addAndGet(from, amount);
            uncertainIn.addAndGet(to, amount);
        }
    }
}
