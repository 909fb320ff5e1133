package dev.ferry.connectors.csv;

import dev.ferry.spi.Column;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SyncException;

import java.util.Optional;

/**
 * The incremental window of a run: rows whose cursor is above the previous run's mark and at most the mark fixed at
 * plan time, compared as typed values (numbers as numbers, timestamps by instant). A row without a cursor value
 * is delivered only by a pass with no lower bound (the first, or a full refresh), so it is loaded once.
 */
final class CursorFilter {
    private final int index;
    private final Object from;
    private final Object to;

    private CursorFilter(int index, Object from, Object to) {
        this.index = index;
        this.from = from;
        this.to = to;
    }

    static CursorFilter of(Schema schema, ReadSpec spec, String where) {
        if (spec.cursor().isEmpty()) return new CursorFilter(-1, null, null);
        String name = spec.cursor().get();
        int index = schema.indexOf(name);
        if (index < 0) {
            throw new SyncException("source.cursor: column '" + name + "' is not in " + where + "; its columns are " + schema.names());
        }
        Column column = schema.column(index);
        return new CursorFilter(index, decode(column, spec.cursorFrom()), decode(column, spec.cursorTo()));
    }

    private static Object decode(Column column, Optional<String> encoded) {
        if (encoded.isEmpty()) return null;
        try {
            return CsvTypes.parse(column, encoded.get());
        } catch (CsvTypes.BadValue e) {
            throw new SyncException("the saved cursor value '" + encoded.get() + "' for column " + column.name() + " "
                    + e.getMessage() + " (did the column's type change?); run once with --full-refresh");
        }
    }

    boolean active() {
        return index >= 0;
    }

    /** The row's cursor value, or null when there is no cursor or no value. */
    Object value(Object[] row) {
        return index < 0 ? null : row[index];
    }

    boolean accepts(Object[] row) {
        if (index < 0) return true;
        Object v = row[index];
        if (v == null) return from == null;
        if (from != null && CsvTypes.CURSOR_ORDER.compare(v, from) <= 0) return false;
        return to == null || CsvTypes.CURSOR_ORDER.compare(v, to) <= 0;
    }
}
