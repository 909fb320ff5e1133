package dev.ferry.core;

import dev.ferry.spi.RecordException;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetrierTest {
    private static final RetrySettings FAST = new RetrySettings(Duration.ofMillis(1), 2.0, 4, 0.0, Duration.ofMillis(200));

    @Test
    void retriesTransientUntilSuccess() {
        AtomicInteger calls = new AtomicInteger();
        String r = new Retrier(FAST, "t").call(() -> {
            if (calls.incrementAndGet() < 3) throw new SyncException("lost", new SQLException("io", "08006"));
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(calls).hasValue(3);
    }

    @Test
    void toldOfEachRetry() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        new Retrier(FAST, "t", retries::incrementAndGet).call(() -> {
            if (calls.incrementAndGet() < 3) throw new RetriableSyncException("busy", null);
            return "ok";
        });
        assertThat(retries).hasValue(2);
    }

    @Test
    void toldWhichRetryAndWhy() {
        AtomicInteger calls = new AtomicInteger();
        java.util.List<String> told = new java.util.ArrayList<>();
        new Retrier(FAST, "t", (retry, reason) -> told.add(retry + ": " + reason)).call(() -> {
            if (calls.incrementAndGet() < 3) throw new RetriableSyncException("rate limited " + calls.get(), null);
            return "ok";
        });
        assertThat(told).hasSize(2);
        assertThat(told.get(0)).startsWith("1: ").contains("rate limited 1");
        assertThat(told.get(1)).startsWith("2: ").contains("rate limited 2");
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastError() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> new Retrier(FAST, "t").call(() -> {
            throw new RetriableSyncException("busy " + calls.incrementAndGet(), null);
        })).isInstanceOf(RetriableSyncException.class).hasMessage("busy 4");
        assertThat(calls).hasValue(4);
    }

    @Test
    void doesNotRetryRecordOrFatal() {
        AtomicInteger calls = new AtomicInteger();
        Retrier retrier = new Retrier(FAST, "t");
        assertThatThrownBy(() -> retrier.run(() -> {
            calls.incrementAndGet();
            throw new RecordException("dup", new SQLException("dup", "23505"));
        })).isInstanceOf(RecordException.class);
        assertThatThrownBy(() -> retrier.run(() -> {
            calls.incrementAndGet();
            throw new SyncException("no table", new SQLException("no table", "42P01"));
        })).isInstanceOf(SyncException.class).hasMessage("no table");
        assertThat(calls).hasValue(2);
    }

    @Test
    void honoursRetryAfter() {
        RetrySettings s = new RetrySettings(Duration.ofMillis(1), 2.0, 3, 0.0, Duration.ofSeconds(5));
        AtomicInteger calls = new AtomicInteger();
        long t0 = System.nanoTime();
        new Retrier(s, "t").call(() -> {
            if (calls.incrementAndGet() < 3) throw new RetriableSyncException("429", null, Duration.ofMillis(60));
            return 1;
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(calls).hasValue(3);
        assertThat(ms).as("two waits of the 60 ms Retry-After, not the 1 ms backoff").isGreaterThanOrEqualTo(115);
    }

    @Test
    void withoutRetryAfterUsesTheComputedBackoff() {
        RetrySettings s = new RetrySettings(Duration.ofMillis(40), 2.0, 3, 0.0, Duration.ofSeconds(5));
        AtomicInteger calls = new AtomicInteger();
        long t0 = System.nanoTime();
        new Retrier(s, "t").call(() -> {
            if (calls.incrementAndGet() < 3) throw new RetriableSyncException("503", null);
            return 1;
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("backoff 40 ms then 80 ms").isGreaterThanOrEqualTo(115).isLessThan(2_000);
    }

    @Test
    void retryAfterIsCappedAtMaxDelay() {
        RetrySettings s = new RetrySettings(Duration.ofMillis(1), 2.0, 2, 0.0, Duration.ofMillis(20));
        AtomicInteger calls = new AtomicInteger();
        long t0 = System.nanoTime();
        new Retrier(s, "t").call(() -> {
            if (calls.incrementAndGet() < 2) throw new RetriableSyncException("429", null, Duration.ofMinutes(10));
            return 1;
        });
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
    }

    @Test
    void constantDelayMultiplierOfOneIsAccepted() {
        RetrySettings s = new RetrySettings(Duration.ofMillis(1), 1.0, 3, 0.0, Duration.ofMillis(1));
        AtomicInteger calls = new AtomicInteger();
        assertThat(new Retrier(s, "t").call(() -> {
            if (calls.incrementAndGet() < 3) throw new RetriableSyncException("x", null);
            return "ok";
        })).isEqualTo("ok");
    }

    @Test
    void singleAttemptMeansNoRetry() {
        RetrySettings s = new RetrySettings(Duration.ofMillis(1), 2.0, 1, 0.0, Duration.ofMillis(10));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> new Retrier(s, "t").call(() -> {
            calls.incrementAndGet();
            throw new RetriableSyncException("x", null);
        })).isInstanceOf(RetriableSyncException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void checkedCausesAreWrappedInSyncException() {
        assertThatThrownBy(() -> new Retrier(FAST, "t").call(() -> {
            throw sneaky(new java.io.IOException("disk gone"));
        })).isInstanceOf(SyncException.class).hasMessageContaining("disk gone");
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
