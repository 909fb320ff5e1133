package dev.ferry.core.transform;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.ParsePosition;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns an expression's value into the Java type of a column ({@link ColumnType}), reading text with a stated
 * format. Built once per field; {@link #apply} throws {@link IllegalArgumentException} with a short reason when the
 * value cannot be read (the record is then skipped with rule {@code type}).
 */
final class Conversion {
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Column column;
    private final Optional<String> format;
    private final DateTimeFormatter dateFormat;
    private final DecimalFormat numberFormat;
    private final String trueWord, falseWord;
    private final boolean epochMillis, epochSeconds;

    Conversion(Column column, Optional<String> format) {
        this.column = column;
        this.format = format;
        String f = format.orElse("");
        this.epochMillis = f.equals("epoch-millis");
        this.epochSeconds = f.equals("epoch-seconds");
        boolean temporal = switch (column.type()) {
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> true;
            default -> false;
        };
        boolean numeric = switch (column.type()) {
            case SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, DOUBLE -> true;
            default -> false;
        };
        this.dateFormat = temporal && !f.isEmpty() && !epochMillis && !epochSeconds ? DateTimeFormatter.ofPattern(f, Locale.ROOT) : null;
        if (numeric && !f.isEmpty()) {
            DecimalFormat df = new DecimalFormat(f, DecimalFormatSymbols.getInstance(Locale.ROOT));
            df.setParseBigDecimal(true);
            this.numberFormat = df;
        } else {
            this.numberFormat = null;
        }
        if (column.type() == ColumnType.BOOLEAN && f.contains("|")) {
            this.trueWord = f.substring(0, f.indexOf('|')).trim();
            this.falseWord = f.substring(f.indexOf('|') + 1).trim();
        } else {
            this.trueWord = null;
            this.falseWord = null;
        }
    }

    /** A problem with the format for this type, checked when the sync file is read; empty when fine. */
    static Optional<String> checkFormat(ColumnType type, String format) {
        try {
            switch (type) {
                case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> {
                    if (!format.equals("epoch-millis") && !format.equals("epoch-seconds")) DateTimeFormatter.ofPattern(format);
                }
                case SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, DOUBLE -> new DecimalFormat(format);
                case BOOLEAN -> {
                    if (!format.contains("|")) return Optional.of("write the words for true and false as 'yes|no'");
                }
                default -> {
                    return Optional.of("type " + type.name().toLowerCase(Locale.ROOT) + " takes no format");
                }
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("'" + format + "' is not a valid pattern (" + e.getMessage() + ")");
        }
    }

    Column column() {
        return column;
    }

    Object apply(Object v) {
        if (v == null) return null;
        if (v instanceof String s && s.isEmpty() && column.type() != ColumnType.STRING && column.type() != ColumnType.TEXT) return null;
        return switch (column.type()) {
            case STRING, TEXT -> text(v);
            case JSON -> v instanceof String s ? s : json(v);
            case BOOLEAN -> bool(v);
            case SMALLINT -> {
                long l = integral(v);
                if (l < Short.MIN_VALUE || l > Short.MAX_VALUE) throw new IllegalArgumentException("out of range for smallint");
                yield (short) l;
            }
            case INTEGER -> {
                long l = integral(v);
                if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) throw new IllegalArgumentException("out of range for integer");
                yield (int) l;
            }
            case BIGINT -> integral(v);
            case DECIMAL -> decimal(decimalOf(v));
            case DOUBLE -> v instanceof Number n && !(v instanceof BigDecimal) ? n.doubleValue() : decimalOf(v).doubleValue();
            case REAL -> v instanceof Number n && !(v instanceof BigDecimal) ? n.floatValue() : decimalOf(v).floatValue();
            case DATE -> date(v);
            case TIME -> v instanceof LocalTime t ? t : LocalTime.parse(String.valueOf(v), dateFormat != null ? dateFormat : DateTimeFormatter.ISO_LOCAL_TIME);
            case TIMESTAMP -> timestamp(v);
            case TIMESTAMPTZ -> timestamptz(v);
            case UUID -> v instanceof UUID u ? u : UUID.fromString(String.valueOf(v));
            case BYTES -> v instanceof byte[] b ? b : java.util.Base64.getDecoder().decode(String.valueOf(v));
        };
    }

    static String text(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        if (v instanceof BigDecimal d) return d.toPlainString();
        if (v instanceof Map<?, ?> || v instanceof List<?>) return json(v);
        return String.valueOf(v);
    }

    static String json(Object v) {
        return JSON.writeValueAsString(v);
    }

    private Boolean bool(Object v) {
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) {
            if (n.doubleValue() == 1) return true;
            if (n.doubleValue() == 0) return false;
            throw new IllegalArgumentException("not a boolean");
        }
        String s = String.valueOf(v).trim();
        if (trueWord != null) {
            if (s.equalsIgnoreCase(trueWord)) return true;
            if (s.equalsIgnoreCase(falseWord)) return false;
            throw new IllegalArgumentException("neither '" + trueWord + "' nor '" + falseWord + "'");
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1" -> true;
            case "false", "f", "no", "n", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private long integral(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short) return ((Number) v).longValue();
        BigDecimal d = decimalOf(v);
        try {
            return d.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number in range");
        }
    }

    private BigDecimal decimalOf(Object v) {
        if (v instanceof BigDecimal d) return d;
        if (v instanceof Long || v instanceof Integer || v instanceof Short) return BigDecimal.valueOf(((Number) v).longValue());
        if (v instanceof BigInteger b) return new BigDecimal(b);
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("not a finite number");
            // expression arithmetic is binary floating point: 1234.56 * 100 is 123455.99999999999; 15 digits are exact
            return new BigDecimal(d, java.math.MathContext.DECIMAL64).round(new java.math.MathContext(15));
        }
        String s = String.valueOf(v).trim();
        if (numberFormat != null) {
            ParsePosition pos = new ParsePosition(0);
            Number n = numberFormat.parse(s, pos);
            if (n == null || pos.getIndex() != s.length()) throw new IllegalArgumentException("not a number in format '" + format.orElse("") + "'");
            return (BigDecimal) n;
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    private BigDecimal decimal(BigDecimal d) {
        if (column.scale() > 0 || column.precision() > 0) d = d.setScale(column.scale(), RoundingMode.HALF_UP);
        if (column.precision() > 0 && d.precision() > column.precision()) {
            throw new IllegalArgumentException("more than " + column.precision() + " digits");
        }
        return d;
    }

    private LocalDate date(Object v) {
        if (v instanceof LocalDate d) return d;
        if (v instanceof LocalDateTime t) return t.toLocalDate();
        if (epochMillis || epochSeconds) return timestamp(v).toLocalDate();
        String s = String.valueOf(v).trim();
        return dateFormat != null ? LocalDate.parse(s, dateFormat) : LocalDate.parse(s);
    }

    private LocalDateTime timestamp(Object v) {
        if (v instanceof LocalDateTime t) return t;
        if (v instanceof OffsetDateTime t) return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        if (v instanceof LocalDate d) return d.atStartOfDay();
        if (epochMillis || epochSeconds) return LocalDateTime.ofInstant(instant(v), ZoneOffset.UTC);
        String s = String.valueOf(v).trim();
        if (dateFormat != null) return LocalDateTime.parse(s, dateFormat);
        TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s.replace(' ', 'T'), OffsetDateTime::from, LocalDateTime::from);
        return t instanceof OffsetDateTime o ? o.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime() : (LocalDateTime) t;
    }

    private OffsetDateTime timestamptz(Object v) {
        if (v instanceof OffsetDateTime t) return t;
        if (v instanceof LocalDateTime t) return t.atOffset(ZoneOffset.UTC);
        if (epochMillis || epochSeconds) return instant(v).atOffset(ZoneOffset.UTC);
        String s = String.valueOf(v).trim();
        if (dateFormat != null) return OffsetDateTime.parse(s, dateFormat);
        TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s.replace(' ', 'T'), OffsetDateTime::from, LocalDateTime::from);
        return t instanceof OffsetDateTime o ? o : ((LocalDateTime) t).atOffset(ZoneOffset.UTC);
    }

    private Instant instant(Object v) {
        long n = integral(v);
        return epochMillis ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
    }
}
