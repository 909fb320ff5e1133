package dev.ferry.spi;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column type as users write it in a sync file ({@code bigint}, {@code decimal(12,2)}, {@code varchar(40)},
 * {@code timestamptz}, …), for connectors whose source cannot say its own types (CSV, JSON APIs).
 */
public record DeclaredType(ColumnType type, int length, int precision, int scale) {
    /** The names {@link #parse} understands, for messages. */
    public static final String NAMES = "string, varchar(n), text, bigint, integer, smallint, decimal(p,s), double, real, "
            + "boolean, date, time, timestamp, timestamptz, uuid, json";
    private static final Pattern DECLARED = Pattern.compile("\\s*([a-z][a-z0-9 ]*?)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?\\s*");

    /** Empty when the text is not a type this understands (the caller reports it with {@link #NAMES}). */
    public static Optional<DeclaredType> parse(String text) {
        Matcher m = DECLARED.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) return Optional.empty();
        int a = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int b = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        ColumnType type = switch (m.group(1)) {
            case "string", "varchar", "character varying", "char" -> ColumnType.STRING;
            case "text" -> ColumnType.TEXT;
            case "json", "jsonb" -> ColumnType.JSON;
            case "bigint", "long", "int8" -> ColumnType.BIGINT;
            case "int", "integer", "int4" -> ColumnType.INTEGER;
            case "smallint", "int2" -> ColumnType.SMALLINT;
            case "decimal", "numeric" -> ColumnType.DECIMAL;
            case "double", "double precision", "float8", "float" -> ColumnType.DOUBLE;
            case "real", "float4" -> ColumnType.REAL;
            case "boolean", "bool" -> ColumnType.BOOLEAN;
            case "date" -> ColumnType.DATE;
            case "time" -> ColumnType.TIME;
            case "timestamp", "datetime" -> ColumnType.TIMESTAMP;
            case "timestamptz", "timestamp with time zone" -> ColumnType.TIMESTAMPTZ;
            case "uuid" -> ColumnType.UUID;
            default -> null;
        };
        if (type == null) return Optional.empty();
        if (m.group(2) != null && type != ColumnType.STRING && type != ColumnType.DECIMAL) return Optional.empty();
        if (type == ColumnType.DECIMAL && b > a && a > 0) return Optional.empty();
        return Optional.of(type == ColumnType.STRING ? new DeclaredType(type, a, 0, 0) : new DeclaredType(type, 0, a, b));
    }

    public Column column(String name) {
        return new Column(name, type, length, precision, scale, true);
    }
}
