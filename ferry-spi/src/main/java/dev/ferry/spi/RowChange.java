package dev.ferry.spi;

import java.util.Optional;

/**
 * A row a write would change, found by a preview: its new values and, for an update, the destination's current ones.
 *
 * @param row    the incoming row (schema order)
 * @param before the destination's row for the same key (empty: the row would be inserted)
 */
public record RowChange(Object[] row, Optional<Object[]> before) {
    public RowChange {
        before = before == null ? Optional.empty() : before;
    }

    public boolean insert() {
        return before.isEmpty();
    }
}
