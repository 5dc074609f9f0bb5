package dev.idem.lab.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One call of the mix, with what it works on, chosen before it runs, so that a call that fails can say which
 * keys, links, rows, counters or accounts it may have changed. The fields that do not apply to its kind are unused.
 */
final class Call {

    final Kind kind;
    final Mode mode;
    /** Tags (get-or-create, get-or-create-all, update-or-create). */
    int[] keys = new int[0];
    /** A link owner, and its targets (add-link, add-links, remove-link), from 1. */
    int owner;
    int[] targets = new int[0];
    /** A counter and what is added to it; or the accounts of a transfer and its amount. */
    int counter;
    int from;
    int to;
    long amount;
    /** claim-finish: how many rows to claim, and the rows the call was handed, in every attempt. */
    int limit;
    final List<Long> claimed = new ArrayList<>();
    /** claim-finish: the queue had no waiting row. */
    boolean queueEmpty;

    private Call(Kind kind, Mode mode) {
        this.kind = kind;
        this.mode = mode;
    }

    static Call plan(SplittableRandom random, Space space, Kind kind, Mode mode) {
        Call call = new Call(kind, mode);
        switch (kind) {
            case GET_OR_CREATE, UPDATE_OR_CREATE -> call.keys = new int[] {Space.skewed(random, space.keys())};
            case GET_OR_CREATE_ALL -> call.keys = Space.distinct(random, space.keys(), 2 + random.nextInt(4));
            case ADD_LINK -> {
                call.owner = 1 + Space.skewed(random, space.owners());
                call.targets = new int[] {1 + Space.skewed(random, space.targets())};
            }
            case ADD_LINKS -> {
                call.owner = 1 + Space.skewed(random, space.owners());
                call.targets = plusOne(Space.distinct(random, space.targets(), 2 + random.nextInt(4)));
            }
            case REMOVE_LINK -> {
                // Only the churning half loses links: the stable half's links, once added, must stay.
                int half = space.owners() / 2;
                call.owner = half + 1 + Space.skewed(random, space.owners() - half);
                call.targets = new int[] {1 + Space.skewed(random, space.targets())};
            }
            case CLAIM_FINISH -> call.limit = 1 + random.nextInt(3);
            case INCREMENT -> {
                call.counter = 1 + Space.skewed(random, space.counters());
                call.amount = 1 + random.nextInt(5);
            }
            case TRANSFER -> {
                int[] pair = Space.distinct(random, space.accounts(), 2);
                call.from = pair[0] + 1;
                call.to = pair[1] + 1;
                call.amount = 1 + random.nextInt(50);
            }
        }
        return call;
    }

    /**
     * The call failed in a way that may have left its effect behind (an unknown outcome, or an error the
     * lab cannot see through): the checker must allow for it having taken effect, or not.
     */
    void uncertain(History history) {
        switch (kind) {
            case GET_OR_CREATE, GET_OR_CREATE_ALL, UPDATE_OR_CREATE -> {
                for (int key : keys) {
                    history.tags.uncertain(key);
                }
            }
            case ADD_LINK, ADD_LINKS -> {
                for (int target : targets) {
                    history.links.uncertainAdd(owner, target);
                }
            }
            case REMOVE_LINK -> history.links.uncertainRemove(owner, targets[0]);
            case CLAIM_FINISH -> claimed.forEach(history.queue::uncertain);
            case INCREMENT -> history.counters.uncertain(counter, amount);
            case TRANSFER -> history.accounts.uncertain(from, to, amount);
        }
    }

    private static int[] plusOne(int[] values) {
        int[] shifted = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            shifted[i] = values[i] + 1;
        }
        return shifted;
    }
}
