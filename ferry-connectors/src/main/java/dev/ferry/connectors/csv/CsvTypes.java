package dev.ferry.connectors.csv;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Text ↔ typed values for CSV cells: what inference recognizes, how declared types parse, how cursors encode. */
final class CsvTypes {
    private CsvTypes() {
    }

    static final Pattern INTEGER = Pattern.compile("[+-]?(0|[1-9][0-9]*)");
    // leading zeros ("007", "00.5") are codes, not numbers: they would lose their zeros as numbers
    static final Pattern DECIMAL = Pattern.compile("[+-]?(0|[1-9][0-9]*)?\\.([0-9]*)");
    static final Pattern EXPONENT = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)[eE][+-]?[0-9]+");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** Thousands grouped with commas, as spreadsheets export formatted numbers: 1,234 or -12,345,678.90. */
    static final Pattern GROUPED = Pattern.compile("[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+(\\.[0-9]*)?");

    /** The number without its grouping commas when it is grouped (strictly: groups of three), else as it is. */
    /** 1.234.567,89 / 1 234,5 / 1'234,5 / 12,5 / 12: a number with a decimal comma and optional groups. */
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?([0-9]{1,3}([. '\u00a0\u202f][0-9]{3})+|[0-9]+)(,[0-9]+)?");

    /** A number in decimal-comma notation as Java reads it ("1.234,5" → "1234.5"); any other text unchanged. */
    static String fromDecimalComma(String text) {
        String s = text.strip();
        if (!DECIMAL_COMMA.matcher(s).matches()) return text;
        return s.replaceAll("[. '\u00a0\u202f]", "").replace(',', '.');
    }

    static String ungroup(String s) {
        return s.indexOf(',') >= 0 && GROUPED.matcher(s).matches() ? s.replace(",", "") : s;
    }

    /**
     * For inference only the unambiguous forms count as grouped: with a decimal point (1,234.50) or several groups
     * (1,234,567). "1,234" alone could be a decimal comma (1.234) and stays text unless the column is declared.
     */
    static String ungroupUnambiguous(String s) {
        if (s.indexOf(',') < 0 || !GROUPED.matcher(s).matches()) return s;
        boolean unambiguous = s.indexOf('.') >= 0 || s.indexOf(',') != s.lastIndexOf(',');
        return unambiguous ? s.replace(",", "") : s;
    }

    /** Local date-time with 'T' or a space between date and time, optional seconds and fraction. */
    private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter(Locale.ROOT);

    /** The same followed by an offset: Z, +02, +0200, +02:00 (PostgreSQL prints "+02"). */
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(LOCAL_DATE_TIME)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .parseLenient().appendOffset("+HH:MM:ss", "Z")
            .toFormatter(Locale.ROOT);

    /** A user's type declaration from source.columns, e.g. "decimal(12,2)"; "auto" means infer. */
    record Declared(ColumnType type, int length, int precision, int scale) {
        Column column(String name) {
            return new Column(name, type, length, precision, scale, true);
        }
    }

    static final String DECLARABLE = dev.ferry.spi.DeclaredType.NAMES + " or auto";

    /** Parses a declaration; empty for "auto"; null when not understood (the caller reports it). */
    static Optional<Declared> parseDeclared(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto") || t.equals("infer")) return Optional.empty();
        Optional<dev.ferry.spi.DeclaredType> d = dev.ferry.spi.DeclaredType.parse(text);
        return d.isEmpty() ? null : Optional.of(new Declared(d.get().type(), d.get().length(), d.get().precision(), d.get().scale()));
    }

    /** How a column's type reads in a source.columns declaration (for "declare …" hints). */
    static String declaration(Column c) {
        return switch (c.type()) {
            case STRING -> "string";
            case DECIMAL -> c.precision() > 0 ? "\"decimal(" + c.precision() + "," + c.scale() + ")\"" : "decimal";
            default -> c.type().name().toLowerCase(Locale.ROOT);
        };
    }

    static boolean isNumeric(ColumnType t) {
        return switch (t) {
            case SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, DOUBLE -> true;
            default -> false;
        };
    }

    static boolean isTextual(ColumnType t) {
        return t == ColumnType.STRING || t == ColumnType.TEXT || t == ColumnType.JSON;
    }

    /** Thrown by {@link #parse} with a short reason ("is not a whole number"); the caller adds where and the fix. */
    static final class BadValue extends Exception {
        BadValue(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Parses a non-null cell for a column; textual types keep the text as it is, others ignore outer spaces. */
    static Object parse(Column c, String text) throws BadValue {
        if (isTextual(c.type())) return text;
        String s = text.strip();
        if (isNumeric(c.type())) s = ungroup(s);
        try {
            return switch (c.type()) {
                case STRING, TEXT, JSON -> text;
                case BOOLEAN -> parseBoolean(s);
                case SMALLINT -> Short.valueOf(s);
                case INTEGER -> Integer.valueOf(s);
                case BIGINT -> Long.valueOf(s);
                case DECIMAL -> parseDecimal(c, s);
                case REAL -> Float.valueOf(s);
                case DOUBLE -> Double.valueOf(s);
                case DATE -> LocalDate.parse(s);
                case TIME -> LocalTime.parse(s);
                case TIMESTAMP -> DATE.matcher(s).matches() ? LocalDate.parse(s).atStartOfDay()
                        : LocalDateTime.parse(s, LOCAL_DATE_TIME);
                case TIMESTAMPTZ -> OffsetDateTime.parse(s, OFFSET_DATE_TIME);
                case UUID -> UUID.fromString(s);
                case BYTES -> throw new BadValue("cannot be read from CSV as bytes");
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new BadValue("is not " + article(c));
        } catch (IllegalArgumentException e) {
            throw new BadValue("is not " + article(c));
        }
    }

    private static Boolean parseBoolean(String s) throws BadValue {
        // declared booleans accept the common spellings; inference only picks BOOLEAN for true/false
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1" -> Boolean.TRUE;
            case "false", "f", "no", "n", "0" -> Boolean.FALSE;
            default -> throw new BadValue("is not a boolean (true/false)");
        };
    }

    private static BigDecimal parseDecimal(Column c, String s) throws BadValue {
        BigDecimal d = new BigDecimal(s);
        if (c.precision() > 0) {
            // refuse rather than round: a silently rounded amount is worse than a stopped run
            if (Math.max(d.scale(), 0) > c.scale()) {
                throw new BadValue("has more than " + c.scale() + " digits after the point");
            }
            if (d.precision() - d.scale() > c.precision() - c.scale()) {
                throw new BadValue("has more than " + (c.precision() - c.scale()) + " digits before the point");
            }
        }
        return d;
    }

    private static String article(Column c) {
        return switch (c.type()) {
            case BIGINT, INTEGER, SMALLINT -> "a whole number that fits " + c.type().name().toLowerCase(Locale.ROOT);
            case DECIMAL -> "a decimal number";
            case DOUBLE, REAL -> "a number";
            case DATE -> "a date (yyyy-MM-dd)";
            case TIME -> "a time (HH:mm:ss)";
            case TIMESTAMP -> "a timestamp (yyyy-MM-dd HH:mm:ss)";
            case TIMESTAMPTZ -> "a timestamp with offset (yyyy-MM-ddTHH:mm:ssZ or +02:00)";
            case UUID -> "a UUID";
            default -> "a " + c.type().name().toLowerCase(Locale.ROOT);
        };
    }

    // ---- inference ----

    /** The narrowest type a single non-empty cell looks like, for inference. */
    static ColumnType classify(String text) {
        String s = ungroupUnambiguous(text.strip());
        if (s.isEmpty() || text.strip().length() != text.length()) return ColumnType.STRING; // padded text stays text
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) return ColumnType.BOOLEAN;
        char c = s.charAt(0);
        if (c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')) {
            if (INTEGER.matcher(s).matches()) return fitsLong(s) ? ColumnType.BIGINT : ColumnType.DECIMAL;
            if (DECIMAL.matcher(s).matches() && s.chars().anyMatch(Character::isDigit)) return ColumnType.DECIMAL;
            if (EXPONENT.matcher(s).matches()) return ColumnType.DOUBLE;
            if (s.length() >= 10 && DATE.matcher(s.substring(0, 10)).matches()) {
                if (s.length() == 10) return ok(() -> LocalDate.parse(s)) ? ColumnType.DATE : ColumnType.STRING;
                if (ok(() -> LocalDateTime.parse(s, LOCAL_DATE_TIME))) return ColumnType.TIMESTAMP;
                if (ok(() -> OffsetDateTime.parse(s, OFFSET_DATE_TIME))) return ColumnType.TIMESTAMPTZ;
            }
        }
        return ColumnType.STRING;
    }

    private static boolean fitsLong(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean ok(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    // ---- cursor values ----

    /** A cursor value as text for the checkpoint (the inverse of {@link #parse}). */
    static String encode(Object v) {
        if (v instanceof BigDecimal d) return d.toPlainString();
        return String.valueOf(v);
    }

    /** Orders cursor values of one column; timestamps with offsets compare by instant. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final Comparator<Object> CURSOR_ORDER = (a, b) -> {
        if (a instanceof OffsetDateTime x && b instanceof OffsetDateTime y) return OffsetDateTime.timeLineOrder().compare(x, y);
        return ((Comparable) a).compareTo(b);
    };
}
