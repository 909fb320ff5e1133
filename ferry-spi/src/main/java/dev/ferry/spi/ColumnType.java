package dev.ferry.spi;

/**
 * Portable column types. Values in a {@link Batch} row use these Java types:
 * STRING/TEXT/JSON → String, BOOLEAN → Boolean, SMALLINT → Short, INTEGER → Integer, BIGINT → Long,
 * DECIMAL → BigDecimal, REAL → Float, DOUBLE → Double, DATE → LocalDate, TIME → LocalTime,
 * TIMESTAMP → LocalDateTime, TIMESTAMPTZ → OffsetDateTime, BYTES → byte[], UUID → java.util.UUID.
 * A null value is always allowed in a row; nullability is described by {@link Column#nullable()}.
 */
public enum ColumnType {
    STRING, TEXT, JSON, BOOLEAN, SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, DOUBLE,
    DATE, TIME, TIMESTAMP, TIMESTAMPTZ, BYTES, UUID
}
