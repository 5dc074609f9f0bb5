package dev.idem.lab.soak;

import dev.idem.lab.ErrorClass;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** How the calls of each kind ended, and the errors by exception class with one message each. Thread-safe. */
final class Outcomes {

    /** How a call ended. */
    enum End {
        /** It returned; its answer is in the history. */
        SUCCEEDED,
        /** {@code RetryTransactionException}: Idem rolled back, nothing took effect; the caller may run it again. */
        RETRY,
        /** {@code OutcomeUnknownException}: it may or may not have taken effect; the checker allows for both. */
        UNKNOWN,
        /** A transfer the account could not cover, refused by the change function: nothing written. */
        REFUSED,
        /** Any other exception: counted against the run. */
        ERROR
    }

    /** What the calls of one kind came to. */
    record Counts(long calls, long succeeded, long retries, long unknown, long refused, long errors) {
    }

    private final Map<Kind, LongAdder[]> counts = new EnumMap<>(Kind.class);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> samples = new ConcurrentHashMap<>();
    private final LongAdder emptyClaims = new LongAdder();

    Outcomes() {
        for (Kind kind : Kind.values()) {
            LongAdder[] adders = new LongAdder[End.values().length];
            for (int i = 0; i < adders.length; i++) {
                adders[i] = new LongAdder();
            }
            counts.put(kind, adders);
        }
    }

    void ended(Kind kind, End end) {
        counts.get(kind)[end.ordinal()].increment();
    }

    void failed(Kind kind, Throwable error) {
        ended(kind, End.ERROR);
        String name = error.getClass().getSimpleName();
        errors.computeIfAbsent(name, n -> new LongAdder()).increment();
        samples.putIfAbsent(name, ErrorClass.sample(error));
    }

    Map<Kind, Counts> byKind() {
        Map<Kind, Counts> all = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            LongAdder[] a = counts.get(kind);
            long[] n = new long[a.length];
            long calls = 0;
            for (int i = 0; i < a.length; i++) {
                n[i] = a[i].sum();
                calls += n[i];
            }
            all.put(kind, new Counts(calls, n[End.SUCCEEDED.ordinal()], n[End.RETRY.ordinal()], n[End.UNKNOWN.ordinal()],
                    n[End.REFUSED.ordinal()], n[End.ERROR.ordinal()]));
        }
        return all;
    }

    /** A claim found no row it could take. */
    void emptyClaim() {
        emptyClaims.increment();
    }

    long emptyClaims() {
        return emptyClaims.sum();
    }

    /** Errors by exception class, sorted by name. */
    Map<String, Long> errors() {
        Map<String, Long> sorted = new TreeMap<>();
        errors.forEach((name, n) -> sorted.put(name, n.sum()));
        return sorted;
    }

    Map<String, String> errorSamples() {
        return new TreeMap<>(samples);
    }
}
