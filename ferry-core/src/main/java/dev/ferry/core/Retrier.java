package dev.ferry.core;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.SyncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/** Runs an action under a {@link RetrySettings}, retrying only what {@link ErrorClassifier} calls transient. */
public final class Retrier {
    private static final Logger log = LoggerFactory.getLogger(Retrier.class);
    private final RetryPolicy<Object> policy;

    public Retrier(RetrySettings s, String runId) {
        this(s, runId, () -> { });
    }

    /** @param onRetry told before each retry (the run counts them: stats.retries, metrics) */
    public Retrier(RetrySettings s, String runId, Runnable onRetry) {
        this(s, runId, (attempt, reason) -> onRetry.run());
    }

    /** Told before each retry: which retry it is (1 = the first) and why (the transient failure, described). */
    @FunctionalInterface
    public interface RetryHook {
        void retrying(int retry, String reason);
    }

    public Retrier(RetrySettings s, String runId, RetryHook onRetry) {
        RetryPolicyBuilder<Object> b = RetryPolicy.builder()
                .handleIf(e -> ErrorClassifier.classify(e) == ErrorKind.TRANSIENT)
                .withMaxAttempts(s.maxAttempts());
        // Failsafe's backoff wants a factor > 1; a multiplier of 1 (allowed by RetrySettings) is a constant delay
        if (s.multiplier() > 1) {
            b.withBackoff(s.initialDelay(), s.maxDelay().compareTo(s.initialDelay()) > 0 ? s.maxDelay() : s.initialDelay().plusMillis(1), s.multiplier());
        } else {
            b.withDelay(s.initialDelay());
        }
        this.policy = b
                .withJitter(s.jitter())
                .withDelayFnOn(ctx -> retryAfter(ctx.getLastException(), s.maxDelay()), RetriableSyncException.class)
                .onRetry(e -> {
                    String reason = ErrorClassifier.describe(e.getLastException());
                    onRetry.retrying(e.getAttemptCount(), reason);
                    log.warn("run={} transient failure, retry {} of {}: {}", runId, e.getAttemptCount(),
                            s.maxAttempts() - 1, reason);
                })
                .build();
    }

    /**
     * A run's retrier: each retry is counted ({@code count}, the run's stats.retries) and told to the listener with
     * its reason (the server's timeline shows it). Both engines, one-way and bidirectional, make theirs here.
     */
    public static Retrier forRun(RetrySettings s, String runId, RunListener listener, Runnable count) {
        return new Retrier(s, runId, (retry, reason) -> {
            count.run();
            listener.onRetry(runId, retry, reason);
        });
    }

    private static Duration retryAfter(Throwable t, Duration max) {
        if (t instanceof RetriableSyncException r && r.retryAfter().isPresent()) {
            Duration d = r.retryAfter().get();
            return d.compareTo(max) > 0 ? max : d;
        }
        return Duration.ofMillis(-1); // negative: keep the computed backoff
    }

    public <T> T call(Supplier<T> action) {
        try {
            return Failsafe.with(policy).get(action::get);
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            throw new SyncException(ErrorClassifier.describe(cause), cause);
        }
    }

    public void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }
}
