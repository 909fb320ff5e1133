package dev.ferry.core;

/** A run's counters at one instant. */
public record Counters(long total, long processed, long inserted, long updated, long unchanged, long skipped, long failed) {
    public static final Counters ZERO = new Counters(-1, 0, 0, 0, 0, 0, 0);

    public Counters withTotal(long t) {
        return new Counters(t, processed, inserted, updated, unchanged, skipped, failed);
    }
}
