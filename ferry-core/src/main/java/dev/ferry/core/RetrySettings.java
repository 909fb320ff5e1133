package dev.ferry.core;

import java.time.Duration;

/**
 * Retry policy for transient failures, as a value: exponential backoff with jitter; a Retry-After the
 * other side sent wins over the computed delay (capped at {@code maxDelay}).
 */
public record RetrySettings(Duration initialDelay, double multiplier, int maxAttempts, double jitter, Duration maxDelay) {
    /** Our first users' spec: 500 ms, ×2, 5 attempts, ±20 %. */
    public static final RetrySettings DEFAULT = exponential(Duration.ofMillis(500), 2.0, 5, 0.2);

    public RetrySettings {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1)");
        if (multiplier < 1) throw new IllegalArgumentException("multiplier must be at least 1");
    }

    public static RetrySettings exponential(Duration initial, double multiplier, int maxAttempts, double jitter) {
        return new RetrySettings(initial, multiplier, maxAttempts, jitter, Duration.ofMinutes(2));
    }

    /** Delay before attempt {@code attempt} (1 = the first retry), without jitter. */
    public Duration baseDelay(int attempt) {
        double ms = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(ms, maxDelay.toMillis()));
    }
}
