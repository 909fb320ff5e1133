package dev.ferry.core.bidi;

import dev.ferry.spi.ColumnType;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * One text form per value, the same whichever database it came from: the base holds it, and two values are equal when
 * their forms are. Numbers by value (1.50 = 1.5, 3 as int = 3 as long), time to the microsecond with instants in UTC
 * (a timestamptz on one side equals the UTC date-time on a side without zones), bytes as base64.
 */
public final class Canon {
    private Canon() {
    }

    public static String of(Object v) {
        return switch (v) {
            case null -> null;
            case BigDecimal d -> d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
            case Long l -> l.toString();
            case Integer i -> Long.toString(i);
            case Short s -> Long.toString(s);
            case Byte b -> Long.toString(b);
            case Float f -> new BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
            case Double x -> x.isNaN() || x.isInfinite() ? x.toString() : BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
            case OffsetDateTime t -> t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().truncatedTo(ChronoUnit.MICROS).toString();
            case LocalDateTime t -> t.truncatedTo(ChronoUnit.MICROS).toString();
            case LocalTime t -> t.truncatedTo(ChronoUnit.MICROS).toString();
            case byte[] b -> Base64.getEncoder().encodeToString(b);
            default -> v.toString();
        };
    }

    /** A value of the column's type from its canonical text. */
    public static Object typed(String s, ColumnType type) {
        if (s == null) return null;
        return switch (type) {
            case STRING, TEXT, JSON -> s;
            case BOOLEAN -> Boolean.valueOf(s);
            case SMALLINT -> new BigDecimal(s).shortValueExact();
            case INTEGER -> new BigDecimal(s).intValueExact();
            case BIGINT -> new BigDecimal(s).longValueExact();
            case DECIMAL -> new BigDecimal(s);
            case REAL -> Float.valueOf(s);
            case DOUBLE -> Double.valueOf(s);
            case DATE -> LocalDate.parse(s);
            case TIME -> LocalTime.parse(s);
            case TIMESTAMP -> LocalDateTime.parse(s);
            case TIMESTAMPTZ -> LocalDateTime.parse(s).atOffset(ZoneOffset.UTC);
            case BYTES -> Base64.getDecoder().decode(s);
            case UUID -> UUID.fromString(s);
        };
    }

    /** A 64-bit hash of a row's canonical values (FNV-1a over the texts; null and "" differ). */
    public static long hash(List<String> values) {
        long h = 0xcbf29ce484222325L;
        for (String v : values) {
            if (v == null) {
                h = (h ^ 0xff) * 0x100000001b3L;
                continue;
            }
            for (int i = 0; i < v.length(); i++) h = (h ^ v.charAt(i)) * 0x100000001b3L;
            h = (h ^ 0x1f) * 0x100000001b3L;
        }
        return h;
    }
}
