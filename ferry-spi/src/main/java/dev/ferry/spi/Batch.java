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
 * @param rejected records read in this batch's stretch of the source that could not be decoded; the engine
 *                 dead-letters them with this batch (they are not in {@code rows})
 */
public record Batch(long seq, Schema schema, List<Object[]> rows, String position, long bytes, Optional<RangeDigest> digest,
                    List<RejectedRecord> rejected) {
    public Batch {
        rows = rows == null ? List.of() : rows;
        digest = digest == null ? Optional.empty() : digest;
        rejected = rejected == null ? List.of() : List.copyOf(rejected);
    }

    public Batch(long seq, Schema schema, List<Object[]> rows, String position, long bytes, Optional<RangeDigest> digest) {
        this(seq, schema, rows, position, bytes, digest, List.of());
    }

    public Batch(long seq, Schema schema, List<Object[]> rows, String position, long bytes) {
        this(seq, schema, rows, position, bytes, Optional.empty(), List.of());
    }

    public int size() {
        return rows.size();
    }

    /** A batch holding a subset of this one's rows (used to bisect a batch down to its bad records); no rejects. */
    public Batch withRows(List<Object[]> subset) {
        return new Batch(seq, schema, subset, position, 0, Optional.empty(), List.of());
    }
}
