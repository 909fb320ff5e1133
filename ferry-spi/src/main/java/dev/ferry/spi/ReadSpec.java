package dev.ferry.spi;

import java.util.List;
import java.util.Optional;

/**
 * What the engine asks of a source for one run.
 *
 * @param key        key columns: rows come ordered by them, and pages continue after the last key (keyset)
 * @param cursor     optional cursor column for incremental runs
 * @param cursorFrom exclusive lower bound on the cursor (the previous run's high-water mark), encoded by the source
 * @param cursorTo   inclusive upper bound, fixed at plan time so rows changed during the run are left for the next one
 * @param batchSize  rows per batch
 * @param ranges     read only these key ranges, in order (empty: the whole key space); a batch never spans two ranges
 */
public record ReadSpec(List<String> key, Optional<String> cursor, Optional<String> cursorFrom,
                       Optional<String> cursorTo, int batchSize, List<KeyRange> ranges) {
    public ReadSpec(List<String> key, Optional<String> cursor, Optional<String> cursorFrom,
                    Optional<String> cursorTo, int batchSize) {
        this(key, cursor, cursorFrom, cursorTo, batchSize, List.of());
    }

    public ReadSpec {
        key = List.copyOf(key);
        ranges = ranges == null ? List.of() : List.copyOf(ranges);
        cursor = cursor == null ? Optional.empty() : cursor;
        cursorFrom = cursorFrom == null ? Optional.empty() : cursorFrom;
        cursorTo = cursorTo == null ? Optional.empty() : cursorTo;
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be positive");
    }

    public ReadSpec withCursorTo(Optional<String> to) {
        return new ReadSpec(key, cursor, cursorFrom, to, batchSize, ranges);
    }

    public ReadSpec withRanges(List<KeyRange> only) {
        return new ReadSpec(key, cursor, cursorFrom, cursorTo, batchSize, only);
    }
}
