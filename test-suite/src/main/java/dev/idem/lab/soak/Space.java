package dev.idem.lab.soak;

import java.util.SplittableRandom;

/**
 * How many of each thing the soak works on, and the skewed choice among them: a quarter of the picks go to
 * a few hot items, so that many calls collide on them, the rest spread over all of them.
 *
 * @param keys tags, titled {@code k0}, {@code k1}, ...
 * @param owners link owners, 1 to {@code owners}; the first half only ever gain links (stable), the second half
 *        also lose them (churn)
 * @param targets link targets per owner, 1 to {@code targets}
 * @param counters counter rows, ids 1 to {@code counters}
 * @param accounts accounts, ids 1 to {@code accounts}, each starting with {@link #OPENING_BALANCE}
 */
record Space(int keys, int owners, int targets, int counters, int accounts) {

    static final long OPENING_BALANCE = 1_000;
    static final int HOT = 8;

    /** The space for {@code keys} tags: the other sizes follow from it. */
    static Space of(int keys) {
        return new Space(keys, Math.max(4, keys / 20), 20, Math.max(4, keys / 50), Math.max(4, keys / 100));
    }

    int links() {
        return owners * targets;
    }

    /** A link's index, 0 to links() - 1, from its owner and target (both from 1). */
    int link(int owner, int target) {
        return (owner - 1) * targets + target - 1;
    }

    /** Whether the owner's links are ever removed. */
    boolean churns(int owner) {
        return owner > owners / 2;
    }

    static String title(int key) {
        return "k" + key;
    }

    /** 0 to n - 1, a quarter of the time among the first {@value #HOT}. */
    static int skewed(SplittableRandom random, int n) {
        return random.nextInt(4) == 0 ? random.nextInt(Math.min(HOT, n)) : random.nextInt(n);
    }

    /** {@code count} distinct values 0 to n - 1, skewed, in no particular order. */
    static int[] distinct(SplittableRandom random, int n, int count) {
        int[] picked = new int[Math.min(count, n)];
        for (int i = 0; i < picked.length; i++) {
            int candidate;
            do {
                candidate = skewed(random, n);
            } while (contains(picked, i, candidate));
            picked[i] = candidate;
        }
        return picked;
    }

    private static boolean contains(int[] values, int length, int value) {
        for (int i = 0; i < length; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }
}
