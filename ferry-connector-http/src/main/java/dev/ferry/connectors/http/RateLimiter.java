package dev.ferry.connectors.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/** Spaces requests at least 1/requestsPerSecond apart. Time and sleeping are injected so tests do not wait. */
final class RateLimiter {
    /** Sleeps; tests substitute one that advances a fake clock. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d);
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration interval;
    private Instant next = Instant.MIN;
    private long waits;

    RateLimiter(OptionalDouble requestsPerSecond, Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.interval = requestsPerSecond.isPresent()
                ? Duration.ofNanos((long) (1_000_000_000L / requestsPerSecond.getAsDouble())) : Duration.ZERO;
    }

    /** Waits until the next request may go. */
    synchronized void acquire() throws InterruptedException {
        if (interval.isZero()) return;
        Instant now = clock.instant();
        if (now.isBefore(next)) {
            waits++;
            sleeper.sleep(Duration.between(now, next));
            now = next;
        }
        next = now.plus(interval);
    }

    synchronized long waits() {
        return waits;
    }
}
