package dev.ferry.spi;

import java.util.Optional;

/**
 * A row a write would change, found by a preview: its new values and, for an update, the destination's current ones.
 *
 * @param row    the incoming row (schema order); for a deduplicating writer, the master's row after the change
 * @param before the destination's row for the same key (empty: the row would be inserted)
 * @param kind   the kind of change the preview counts it as: "inserted", "updated", or (deduplication) "merged"
 */
public record RowChange(Object[] row, Optional<Object[]> before, String kind) {
    public RowChange {
        before = before == null ? Optional.empty() : before;
        if (kind == null) kind = before.isEmpty() ? "inserted" : "updated";
    }

    /** An insert (no row before) or an update. */
    public RowChange(Object[] row, Optional<Object[]> before) {
        this(row, before, null);
    }

    public boolean insert() {
        return before.isEmpty();
    }
}
