package dev.idem.lab.race;

import java.util.Arrays;

/** Percentiles of attempt latencies, by the nearest-rank method. */
final class Latencies {

    private Latencies() {
    }

    /** The {@code percentile} (0-100) of {@code nanos} in milliseconds; 0 when empty. Sorts {@code nanos}. */
    static double millis(long[] nanos, double percentile) {
        if (nanos.length == 0) {
            return 0;
        }
        Arrays.sort(nanos);
        int rank = (int) Math.ceil(percentile / 100.0 * nanos.length);
        return nanos[Math.max(0, Math.min(nanos.length, rank) - 1)] / 1_000_000.0;
    }
}
