package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Type mapping between JDBC and Ferry's portable types: metadata, getters, setters, text codec, equality. */
final class Values {
    private Values() {
    }

    /** Reads one column of the current row as the portable Java type; chosen once per column. */
    @FunctionalInterface
    interface Reader {
        Object read(ResultSet rs, int i) throws SQLException;
    }

    /** A MariaDB tinyint(1) value other than 0/1: reading it as a boolean would turn it into true. */
    static final class NotBoolean extends RuntimeException {
        final int value;

        NotBoolean(int value) {
            super("holds " + value + ", not 0 or 1", null, false, false);
            this.value = value;
        }
    }

    static Column column(ResultSetMetaData md, int i, Dialect dialect) throws SQLException {
        String name = md.getColumnLabel(i);
        String typeName = md.getColumnTypeName(i) == null ? "" : md.getColumnTypeName(i).toLowerCase(Locale.ROOT);
        int jdbcType = md.getColumnType(i);
        int precision = md.getPrecision(i);
        int scale = md.getScale(i);
        boolean nullable = md.isNullable(i) != ResultSetMetaData.columnNoNulls;
        ColumnType type;
        int length = 0, p = 0, s = 0;
        if (typeName.equals("timestamptz") || typeName.contains("with time zone") || jdbcType == Types.TIMESTAMP_WITH_TIMEZONE
                || (dialect == Dialect.MARIADB && typeName.equals("timestamp"))) {
            type = ColumnType.TIMESTAMPTZ;
        } else if (typeName.equals("json") || typeName.equals("jsonb")) {
            type = ColumnType.JSON;
        } else if (typeName.equals("uuid")) {
            type = ColumnType.UUID;
        } else if (typeName.equals("text") || typeName.endsWith("text") || typeName.contains("large object") && !typeName.contains("binary")) {
            type = ColumnType.TEXT;
        } else if (dialect == Dialect.MARIADB && typeName.equals("int unsigned")) {
            type = ColumnType.BIGINT;
        } else if (dialect == Dialect.MARIADB && typeName.equals("bigint unsigned")) {
            type = ColumnType.DECIMAL;
            p = 20;
        } else {
            switch (jdbcType) {
                case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR -> {
                    // drivers report "unbounded" as a huge precision
                    if (precision > 0 && precision < 1_000_000) {
                        type = ColumnType.STRING;
                        length = precision;
                    } else {
                        type = precision == 0 ? ColumnType.STRING : ColumnType.TEXT;
                    }
                }
                case Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB, Types.SQLXML -> type = ColumnType.TEXT;
                case Types.BIT, Types.BOOLEAN -> type = precision > 1 && typeName.startsWith("bit") ? ColumnType.BYTES : ColumnType.BOOLEAN;
                case Types.TINYINT, Types.SMALLINT -> type = ColumnType.SMALLINT;
                case Types.INTEGER -> type = ColumnType.INTEGER;
                case Types.BIGINT -> type = ColumnType.BIGINT;
                case Types.DECIMAL, Types.NUMERIC -> {
                    type = ColumnType.DECIMAL;
                    // pgjdbc reports unconstrained numeric as precision 0 or 1000
                    if (precision > 0 && precision <= 1000 && !(dialect == Dialect.POSTGRES && precision == 1000)) {
                        p = precision;
                        s = Math.max(0, scale);
                    }
                }
                case Types.REAL -> type = ColumnType.REAL;
                case Types.FLOAT, Types.DOUBLE -> type = typeName.equals("float") && dialect == Dialect.MARIADB
                        ? ColumnType.REAL : ColumnType.DOUBLE;
                case Types.DATE -> type = ColumnType.DATE;
                // a time with an offset has no portable type (a plain TIME would drop the offset): its text travels
                case Types.TIME, Types.TIME_WITH_TIMEZONE -> type = jdbcType == Types.TIME_WITH_TIMEZONE || typeName.equals("timetz")
                        ? ColumnType.TEXT : ColumnType.TIME;
                case Types.TIMESTAMP -> type = ColumnType.TIMESTAMP;
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> type = ColumnType.BYTES;
                default -> type = ColumnType.TEXT; // unknown types travel as their text form
            }
        }
        return new Column(name, type, length, p, s, nullable);
    }

    static Reader reader(ColumnType type, Dialect dialect) {
        return switch (type) {
            case STRING, TEXT, JSON -> ResultSet::getString;
            case BOOLEAN -> dialect == Dialect.MARIADB
                    // MariaDB's BOOLEAN is tinyint(1), which holds -128..127: only 0 and 1 are booleans
                    ? (rs, i) -> {
                        int v = rs.getInt(i);
                        if (rs.wasNull()) return null;
                        if (v != 0 && v != 1) throw new NotBoolean(v);
                        return v == 1;
                    }
                    : (rs, i) -> {
                        boolean v = rs.getBoolean(i);
                        return rs.wasNull() ? null : v;
                    };
            case SMALLINT -> (rs, i) -> {
                short v = rs.getShort(i);
                return rs.wasNull() ? null : v;
            };
            case INTEGER -> (rs, i) -> {
                int v = rs.getInt(i);
                return rs.wasNull() ? null : v;
            };
            case BIGINT -> (rs, i) -> {
                long v = rs.getLong(i);
                return rs.wasNull() ? null : v;
            };
            case DECIMAL -> ResultSet::getBigDecimal;
            case REAL -> (rs, i) -> {
                float v = rs.getFloat(i);
                return rs.wasNull() ? null : v;
            };
            case DOUBLE -> (rs, i) -> {
                double v = rs.getDouble(i);
                return rs.wasNull() ? null : v;
            };
            case DATE -> (rs, i) -> rs.getObject(i, LocalDate.class);
            case TIME -> (rs, i) -> rs.getObject(i, LocalTime.class);
            case TIMESTAMP -> (rs, i) -> rs.getObject(i, LocalDateTime.class);
            case TIMESTAMPTZ -> dialect == Dialect.MARIADB
                    ? (rs, i) -> {
                        LocalDateTime v = rs.getObject(i, LocalDateTime.class);
                        return v == null ? null : v.atOffset(ZoneOffset.UTC);
                    }
                    : (rs, i) -> {
                        OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                        return v == null ? null : v.withOffsetSameInstant(ZoneOffset.UTC);
                    };
            case BYTES -> ResultSet::getBytes;
            case UUID -> dialect == Dialect.MARIADB
                    ? (rs, i) -> {
                        String v = rs.getString(i);
                        return v == null ? null : UUID.fromString(v);
                    }
                    : (rs, i) -> rs.getObject(i, UUID.class);
        };
    }

    static Reader[] readers(List<Column> columns, Dialect dialect) {
        Reader[] r = new Reader[columns.size()];
        for (int i = 0; i < r.length; i++) r[i] = reader(columns.get(i).type(), dialect);
        return r;
    }

    /** Binds a portable value as a statement parameter. */
    static void bind(PreparedStatement ps, int index, Object value, ColumnType type, Dialect dialect) throws SQLException {
        if (value == null) {
            ps.setNull(index, sqlType(type));
            return;
        }
        if (dialect == Dialect.MARIADB) {
            if (value instanceof OffsetDateTime odt) {
                ps.setObject(index, odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
                return;
            }
            if (value instanceof UUID u) {
                ps.setString(index, u.toString());
                return;
            }
        }
        if (value instanceof String s && !textual(type)) {
            // a source value with no Java form of its type (PostgreSQL's NaN) arrives as its text: this row only
            throw new dev.ferry.spi.RecordException("value '" + s + "' cannot be written as " + type.name().toLowerCase(Locale.ROOT)
                    + " (the destination has no such value); change it in the source, or convert it in source.query", null);
        }
        switch (value) {
            case String s -> ps.setString(index, s);
            case byte[] b -> ps.setBytes(index, b);
            case BigDecimal d -> ps.setBigDecimal(index, d);
            default -> ps.setObject(index, value);
        }
    }

    private static boolean textual(ColumnType type) {
        return type == ColumnType.STRING || type == ColumnType.TEXT || type == ColumnType.JSON || type == ColumnType.UUID;
    }

    static int sqlType(ColumnType type) {
        return switch (type) {
            case STRING, TEXT, JSON -> Types.VARCHAR;
            case BOOLEAN -> Types.BOOLEAN;
            case SMALLINT -> Types.SMALLINT;
            case INTEGER -> Types.INTEGER;
            case BIGINT -> Types.BIGINT;
            case DECIMAL -> Types.NUMERIC;
            case REAL -> Types.REAL;
            case DOUBLE -> Types.DOUBLE;
            case DATE -> Types.DATE;
            case TIME -> Types.TIME;
            case TIMESTAMP -> Types.TIMESTAMP;
            case TIMESTAMPTZ -> Types.TIMESTAMP_WITH_TIMEZONE;
            case BYTES -> Types.VARBINARY;
            case UUID -> Types.OTHER;
        };
    }

    /** Text form of a value (ISO-8601 for time, plain digits for numbers, hex for bytes); exact round trip via {@link #parse}. */
    static String format(Object v) {
        return switch (v) {
            case byte[] b -> HexFormat.of().formatHex(b);
            case BigDecimal d -> d.toPlainString();
            case OffsetDateTime t -> t.withOffsetSameInstant(ZoneOffset.UTC).toString();
            default -> v.toString();
        };
    }

    /** A value as PostgreSQL reads it from text (a parameter cast with ::type). */
    static String pgText(Object v) {
        return switch (v) {
            case byte[] b -> "\\x" + HexFormat.of().formatHex(b);
            case Boolean b -> b ? "t" : "f";
            case BigDecimal d -> d.toPlainString();
            case OffsetDateTime t -> t.withOffsetSameInstant(ZoneOffset.UTC).toString();
            default -> v.toString();
        };
    }

    static Object parse(String s, ColumnType type) {
        return switch (type) {
            case STRING, TEXT, JSON -> s;
            case BOOLEAN -> Boolean.parseBoolean(s);
            case SMALLINT -> Short.parseShort(s);
            case INTEGER -> Integer.parseInt(s);
            case BIGINT -> Long.parseLong(s);
            case DECIMAL -> new BigDecimal(s);
            case REAL -> Float.parseFloat(s);
            case DOUBLE -> Double.parseDouble(s);
            case DATE -> LocalDate.parse(s);
            case TIME -> LocalTime.parse(s);
            case TIMESTAMP -> LocalDateTime.parse(s);
            case TIMESTAMPTZ -> OffsetDateTime.parse(s);
            case BYTES -> HexFormat.of().parseHex(s);
            case UUID -> UUID.fromString(s);
        };
    }

    /**
     * Encodes key values as one opaque string: each value in its text form, '\' and ',' escaped, "\N" for null.
     * Types come from the schema on decoding, so values round-trip exactly.
     */
    static String encodeKey(Object[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append(',');
            if (values[i] == null) {
                sb.append("\\N");
                continue;
            }
            String s = format(values[i]);
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '\\' || c == ',') sb.append('\\');
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static Object[] decodeKey(String encoded, List<ColumnType> types) {
        List<Object> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean isNull = false;
        for (int j = 0; j <= encoded.length(); j++) {
            if (j == encoded.length() || encoded.charAt(j) == ',') {
                ColumnType t = types.get(Math.min(out.size(), types.size() - 1));
                out.add(isNull ? null : parse(cur.toString(), t));
                cur.setLength(0);
                isNull = false;
                continue;
            }
            char c = encoded.charAt(j);
            if (c == '\\' && j + 1 < encoded.length()) {
                char n = encoded.charAt(++j);
                if (n == 'N') isNull = true;
                else cur.append(n);
            } else {
                cur.append(c);
            }
        }
        if (out.size() != types.size()) {
            throw new IllegalArgumentException("position '" + encoded + "' has " + out.size() + " values; the key has " + types.size());
        }
        return out.toArray();
    }

    /** Value equality as the database sees it: numbers by value, timestamps by instant, bytes by content. */
    static boolean same(Object a, Object b) {
        if (a == null || b == null) return a == b;
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) return x.compareTo(y) == 0;
        if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.equals(x, y);
        // databases keep microseconds: compare time values at that precision
        if (a instanceof OffsetDateTime x && b instanceof OffsetDateTime y) {
            return x.toInstant().truncatedTo(ChronoUnit.MICROS).equals(y.toInstant().truncatedTo(ChronoUnit.MICROS));
        }
        if (a instanceof LocalDateTime x && b instanceof LocalDateTime y) {
            return x.truncatedTo(ChronoUnit.MICROS).equals(y.truncatedTo(ChronoUnit.MICROS));
        }
        if (a instanceof LocalTime x && b instanceof LocalTime y) {
            return x.truncatedTo(ChronoUnit.MICROS).equals(y.truncatedTo(ChronoUnit.MICROS));
        }
        if (a instanceof Number x && b instanceof Number y && !(a instanceof BigDecimal) && !(b instanceof BigDecimal)) {
            return a.getClass() == b.getClass() ? a.equals(b) : x.doubleValue() == y.doubleValue();
        }
        return a.equals(b);
    }

}
