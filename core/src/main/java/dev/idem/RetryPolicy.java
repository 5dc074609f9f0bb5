package dev.idem;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often, and how patiently, to run work again after a deadlock, a serialization failure, a lock
 * timeout or {@code SQLITE_BUSY}: a bounded number of attempts with exponential backoff and full jitter,
 * so that the sessions that collided do not collide again in step.
 *
 * @param attempts how many times to run the work at most (at least 1)
 * @param initialBackoff the upper bound of the first pause
 * @param maxBackoff the upper bound of any pause
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {

    private static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofMillis(2), Duration.ofMillis(200));

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff + " and " + maxBackoff);
        }
    }

    /** Ten attempts, pauses from up to 2 ms growing to up to 200 ms. */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /** Run once, never again. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** The default backoff with another number of attempts. */
    public static RetryPolicy attempts(int attempts) {
        return new RetryPolicy(attempts, DEFAULT.initialBackoff, DEFAULT.maxBackoff);
    }

    /** The pause before attempt {@code next} (2 for the first retry): random, up to the exponential bound. */
    public Duration backoffBefore(int next) {
        long bound = initialBackoff.toNanos() << Math.min(Math.max(next - 2, 0), 20);
        bound = Math.min(Math.max(bound, 0), maxBackoff.toNanos());
        return bound == 0 ? Duration.ZERO : Duration.ofNanos(ThreadLocalRandom.current().nextLong(bound + 1));
    }
}
