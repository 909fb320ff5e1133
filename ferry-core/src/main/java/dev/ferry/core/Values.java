package dev.ferry.core;

import dev.ferry.spi.ColumnType;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/** Text form of row values (dead-letter payloads, keys in messages) and back. */
public final class Values {
    private Values() {
    }

    public static String format(Object v) {
        if (v == null) return null;
        if (v instanceof BigDecimal d) return d.toPlainString();
        if (v instanceof byte[] b) return Base64.getEncoder().encodeToString(b);
        return v.toString();
    }

    public static Object parse(ColumnType type, String s) {
        if (s == null) return null;
        return switch (type) {
            case STRING, TEXT, JSON -> s;
            case BOOLEAN -> Boolean.valueOf(s);
            case SMALLINT -> Short.valueOf(s);
            case INTEGER -> Integer.valueOf(s);
            case BIGINT -> Long.valueOf(s);
            case DECIMAL -> new BigDecimal(s);
            case REAL -> Float.valueOf(s);
            case DOUBLE -> Double.valueOf(s);
            case DATE -> LocalDate.parse(s);
            case TIME -> LocalTime.parse(s);
            case TIMESTAMP -> LocalDateTime.parse(s);
            case TIMESTAMPTZ -> OffsetDateTime.parse(s);
            case BYTES -> Base64.getDecoder().decode(s);
            case UUID -> UUID.fromString(s);
        };
    }

    /** A record's key as text: key values joined by '|'. */
    public static String key(Object[] row, int[] keyIndexes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keyIndexes.length; i++) {
            if (i > 0) sb.append('|');
            sb.append(format(row[keyIndexes[i]]));
        }
        return sb.toString();
    }
}
