package dev.ferry.spi;

import java.util.Objects;

/**
 * One column of a schema.
 *
 * @param length    maximum character length for STRING (0 = unbounded)
 * @param precision total digits for DECIMAL (0 = unbounded)
 * @param scale     digits after the point for DECIMAL
 */
public record Column(String name, ColumnType type, int length, int precision, int scale, boolean nullable) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static Column of(String name, ColumnType type) {
        return new Column(name, type, 0, 0, 0, true);
    }

    public Column withNullable(boolean value) {
        return new Column(name, type, length, precision, scale, value);
    }
}
