package dev.ferry.spi;

import java.util.List;

/**
 * A page of rows read from a source.
 *
 * @param seq      0-based sequence number of the batch within the run
 * @param rows     the rows; each array follows {@link Schema#columns()} order
 * @param position opaque source position after the last row of this batch; handing it back to
 *                 {@link Source#open} resumes right after this batch
 * @param bytes    approximate bytes this batch took to read (for progress by size), 0 if unknown
 */
public record Batch(long seq, Schema schema, List<Object[]> rows, String position, long bytes) {
    public Batch {
        rows = rows == null ? List.of() : rows;
    }

    public int size() {
        return rows.size();
    }

    /** A batch holding a subset of this one's rows (used to bisect a batch down to its bad records). */
    public Batch withRows(List<Object[]> subset) {
        return new Batch(seq, schema, subset, position, 0);
    }
}
