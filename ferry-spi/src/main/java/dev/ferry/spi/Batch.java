package dev.ferry.spi;

import java.util.List;
import java.util.Optional;

/**
 * A page of rows read from a source.
 *
 * @param seq      0-based sequence number of the batch within the run
 * @param rows     the rows; each array follows {@link Schema#columns()} order
 * @param position opaque source position after the last row of this batch; handing it back to
 *                 {@link Source#open} resumes right after this batch
 * @param bytes    approximate bytes this batch took to read (for progress by size), 0 if unknown
 * @param digest   the digest of exactly these rows, from sources that can digest key ranges
 *                 ({@link Source#digestRanges}); the engine remembers it so a later run can skip the range if unchanged
 */
public record Batch(long seq, Schema schema, List<Object[]> rows, String position, long bytes, Optional<RangeDigest> digest) {
    public Batch {
        rows = rows == null ? List.of() : rows;
        digest = digest == null ? Optional.empty() : digest;
    }

    public Batch(long seq, Schema schema, List<Object[]> rows, String position, long bytes) {
        this(seq, schema, rows, position, bytes, Optional.empty());
    }

    public int size() {
        return rows.size();
    }

    /** A batch holding a subset of this one's rows (used to bisect a batch down to its bad records). */
    public Batch withRows(List<Object[]> subset) {
        return new Batch(seq, schema, subset, position, 0, Optional.empty());
    }
}
