package dev.ferry.connectors.csv;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;

import java.math.BigDecimal;

/**
 * Infers one column's type from the non-null cells it has seen. The guess only ever widens:
 * BIGINT + DECIMAL → DECIMAL, integers/decimals + exponent forms → DOUBLE, DATE + TIMESTAMP → TIMESTAMP,
 * anything else mixed → STRING. A column with no values at all is a STRING.
 */
final class ColumnGuess {
    /** Decimals get at least this precision: later rows (not sampled) often have bigger amounts. */
    static final int MIN_DECIMAL_PRECISION = 18;

    private ColumnType type; // null until the first value
    private int maxIntegerDigits;
    private int maxScale;
    private int maxLength;
    private long values;

    void observe(String text) {
        observe(text, text);
    }

    /** A cell as written (its length, should the column stay text) and as a number would read (its type). */
    void observe(String raw, String text) {
        values++;
        maxLength = Math.max(maxLength, raw.length());
        if (type == ColumnType.STRING) return;
        ColumnType seen = CsvTypes.classify(text);
        if (seen == ColumnType.DECIMAL || seen == ColumnType.BIGINT) {
            BigDecimal d = new BigDecimal(CsvTypes.ungroup(text.strip()));
            maxScale = Math.max(maxScale, Math.max(d.scale(), 0));
            maxIntegerDigits = Math.max(maxIntegerDigits, Math.max(d.precision() - d.scale(), 1));
        }
        type = type == null ? seen : widen(type, seen);
    }

    static ColumnType widen(ColumnType a, ColumnType b) {
        if (a == b) return a;
        if (isExact(a) && isExact(b)) return ColumnType.DECIMAL;
        if ((isExact(a) || a == ColumnType.DOUBLE) && (isExact(b) || b == ColumnType.DOUBLE)) return ColumnType.DOUBLE;
        if ((a == ColumnType.DATE && b == ColumnType.TIMESTAMP) || (a == ColumnType.TIMESTAMP && b == ColumnType.DATE)) {
            return ColumnType.TIMESTAMP;
        }
        return ColumnType.STRING;
    }

    private static boolean isExact(ColumnType t) {
        return t == ColumnType.BIGINT || t == ColumnType.DECIMAL;
    }

    /**
     * The column this guess describes.
     *
     * @param sawWholeFile true when every row was sampled: then a string's length is exactly the longest seen;
     *                     otherwise it stays unbounded (0) so a longer value later cannot break the load
     */
    Column column(String name, boolean sawWholeFile) {
        ColumnType t = type == null ? ColumnType.STRING : type;
        return switch (t) {
            case STRING -> new Column(name, t, sawWholeFile ? maxLength : 0, 0, 0, true);
            case DECIMAL -> {
                int scale = maxScale;
                int precision = maxIntegerDigits + scale;
                if (!sawWholeFile) precision = Math.max(precision, MIN_DECIMAL_PRECISION + scale);
                yield new Column(name, t, 0, precision, scale, true);
            }
            default -> Column.of(name, t);
        };
    }

    long values() {
        return values;
    }
}
