package dev.ferry.core;

/**
 * A run's counters at one instant. {@code merged}: records folded into an existing master by deduplication
 * (0 without a dedup: section); the 7-value constructor keeps older callers as they were.
 */
public record Counters(long total, long processed, long inserted, long updated, long unchanged, long skipped, long failed,
                       long merged) {
    public static final Counters ZERO = new Counters(-1, 0, 0, 0, 0, 0, 0, 0);

    public Counters(long total, long processed, long inserted, long updated, long unchanged, long skipped, long failed) {
        this(total, processed, inserted, updated, unchanged, skipped, failed, 0);
    }

    public Counters withTotal(long t) {
        return new Counters(t, processed, inserted, updated, unchanged, skipped, failed, merged);
    }
}
