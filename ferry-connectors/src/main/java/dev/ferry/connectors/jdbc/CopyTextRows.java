package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractList;
import java.util.HexFormat;
import java.util.RandomAccess;
import java.util.UUID;

/**
 * A batch's rows as PostgreSQL COPY text (one line per row, tab-separated, {@code \N} for null, backslash escapes),
 * decoded lazily: {@link #get} decodes one row into the portable Java types the row reader produces, so every
 * destination works unchanged, while a PostgreSQL writer can send {@link #buffer()} bytes as they are.
 * The text must have been produced in a session with TimeZone UTC, DateStyle ISO, bytea_output hex and
 * extra_float_digits 3 (see {@link JdbcSourceReader}); the buffer is never changed after construction.
 */
final class CopyTextRows extends AbstractList<Object[]> implements RandomAccess {
    private final Schema schema;
    private final ColumnType[] types;
    private final byte[] buf;
    /** line starts; row i spans [starts[i], starts[i + 1]) including its '\n' */
    private final int[] starts;
    private final int from;
    private final int to;
    private final boolean uniqueKeys;

    /**
     * @param starts     start offset of each row plus one final entry, the end of the last row
     * @param uniqueKeys true when no key appears twice in these rows
     */
    CopyTextRows(Schema schema, byte[] buf, int[] starts, int rows, boolean uniqueKeys) {
        this(schema, types(schema), buf, starts, 0, rows, uniqueKeys);
    }

    private CopyTextRows(Schema schema, ColumnType[] types, byte[] buf, int[] starts, int from, int to, boolean uniqueKeys) {
        this.schema = schema;
        this.types = types;
        this.buf = buf;
        this.starts = starts;
        this.from = from;
        this.to = to;
        this.uniqueKeys = uniqueKeys;
    }

    private static ColumnType[] types(Schema schema) {
        ColumnType[] t = new ColumnType[schema.size()];
        for (int i = 0; i < t.length; i++) t[i] = schema.column(i).type();
        return t;
    }

    Schema schema() {
        return schema;
    }

    /** True when no key appears twice in these rows. */
    boolean uniqueKeys() {
        return uniqueKeys;
    }

    /** The shared buffer; these rows' COPY text is {@code [offset(), offset() + length())}. Do not modify. */
    byte[] buffer() {
        return buf;
    }

    int offset() {
        return starts[from];
    }

    int length() {
        return starts[to] - starts[from];
    }

    /** The COPY text of these rows (a copy). */
    byte[] copyText() {
        byte[] out = new byte[length()];
        System.arraycopy(buf, offset(), out, 0, out.length);
        return out;
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public Object[] get(int index) {
        if (index < 0 || index >= size()) throw new IndexOutOfBoundsException(index);
        int start = starts[from + index];
        int end = starts[from + index + 1] - 1; // without '\n'
        Object[] row = new Object[types.length];
        int col = 0;
        int p = start;
        while (true) {
            int q = p;
            while (q < end && buf[q] != '\t') q++;
            if (col >= row.length) throw new IllegalStateException("COPY row has more than " + row.length + " fields");
            row[col] = decode(buf, p, q, types[col]);
            col++;
            if (q >= end) break;
            p = q + 1;
        }
        if (col != row.length) throw new IllegalStateException("COPY row has " + col + " fields; expected " + row.length);
        return row;
    }

    /** Decodes one field of a row, without decoding the others. */
    Object field(int index, int column) {
        if (index < 0 || index >= size()) throw new IndexOutOfBoundsException(index);
        int p = starts[from + index];
        int end = starts[from + index + 1] - 1; // without '\n'
        for (int col = 0; col < column; col++) {
            while (p < end && buf[p] != '\t') p++;
            if (p >= end) throw new IllegalStateException("COPY row has " + (col + 1) + " fields; expected " + types.length);
            p++;
        }
        int q = p;
        while (q < end && buf[q] != '\t') q++;
        return decode(buf, p, q, types[column]);
    }

    /** Decodes only the given fields of a row (for positions), in the order asked. */
    Object[] fields(int index, int[] columns) {
        Object[] row = get(index);
        Object[] out = new Object[columns.length];
        for (int i = 0; i < out.length; i++) out[i] = row[columns[i]];
        return out;
    }

    @Override
    public CopyTextRows subList(int fromIndex, int toIndex) {
        if (fromIndex < 0 || toIndex > size() || fromIndex > toIndex) {
            throw new IndexOutOfBoundsException("subList(" + fromIndex + ", " + toIndex + ") of " + size());
        }
        return new CopyTextRows(schema, types, buf, starts, from + fromIndex, from + toIndex, uniqueKeys);
    }

    // ---- decoding one field ----

    static Object decode(byte[] b, int s, int e, ColumnType type) {
        if (e - s == 2 && b[s] == '\\' && b[s + 1] == 'N') return null;
        String text = text(b, s, e);
        try {
            return parse(text, type);
        } catch (RuntimeException unparsable) {
            // PostgreSQL values Java has no type for (numeric 'NaN', 'Infinity'): the text stays, so the row can be
            // shown and dead-lettered; a destination refuses it when binding (Values.bind), naming the value
            return text;
        }
    }

    /** The field's text with COPY escapes resolved. */
    static String text(byte[] b, int s, int e) {
        int bs = -1;
        for (int i = s; i < e; i++) {
            if (b[i] == '\\') {
                bs = i;
                break;
            }
        }
        if (bs < 0) return new String(b, s, e - s, StandardCharsets.UTF_8);
        byte[] out = new byte[e - s];
        int n = 0;
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (c != '\\' || i + 1 >= e) {
                out[n++] = c;
                continue;
            }
            byte d = b[++i];
            switch (d) {
                case 'b' -> out[n++] = '\b';
                case 'f' -> out[n++] = '\f';
                case 'n' -> out[n++] = '\n';
                case 'r' -> out[n++] = '\r';
                case 't' -> out[n++] = '\t';
                case 'v' -> out[n++] = 0x0b;
                case 'x' -> {
                    int v = 0, k = 0;
                    while (k < 2 && i + 1 < e && hex(b[i + 1]) >= 0) {
                        v = v * 16 + hex(b[++i]);
                        k++;
                    }
                    if (k == 0) out[n++] = 'x';
                    else out[n++] = (byte) v;
                }
                default -> {
                    if (d >= '0' && d <= '7') {
                        int v = d - '0', k = 1;
                        while (k < 3 && i + 1 < e && b[i + 1] >= '0' && b[i + 1] <= '7') {
                            v = v * 8 + (b[++i] - '0');
                            k++;
                        }
                        out[n++] = (byte) v;
                    } else {
                        out[n++] = d; // \\ and any other escaped character stand for themselves
                    }
                }
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** PostgreSQL's text output (ISO DateStyle, UTC) to the portable Java type the JDBC row reader produces. */
    static Object parse(String s, ColumnType type) {
        return switch (type) {
            case STRING, TEXT, JSON -> s;
            case BOOLEAN -> s.equals("t") || s.equals("true");
            case SMALLINT -> Short.parseShort(s);
            case INTEGER -> Integer.parseInt(s);
            case BIGINT -> Long.parseLong(s);
            case DECIMAL -> new BigDecimal(s);
            case REAL -> Float.parseFloat(s);
            case DOUBLE -> Double.parseDouble(s);
            case DATE -> date(s);
            case TIME -> time(s, 0, s.length());
            case TIMESTAMP -> timestamp(s);
            case TIMESTAMPTZ -> timestamptz(s);
            case BYTES -> bytes(s);
            case UUID -> UUID.fromString(s);
        };
    }

    private static byte[] bytes(String s) {
        if (s.startsWith("\\x")) return HexFormat.of().parseHex(s, 2, s.length());
        throw new IllegalArgumentException("bytea value is not in hex format: set bytea_output = 'hex'");
    }

    private static LocalDate date(String s) {
        if (s.equals("infinity")) return LocalDate.MAX;
        if (s.equals("-infinity")) return LocalDate.MIN;
        boolean bc = s.endsWith(" BC");
        int end = bc ? s.length() - 3 : s.length();
        int d1 = s.indexOf('-');
        int year = Integer.parseInt(s, 0, d1, 10);
        int month = Integer.parseInt(s, d1 + 1, d1 + 3, 10);
        int day = Integer.parseInt(s, d1 + 4, end, 10);
        return LocalDate.of(bc ? 1 - year : year, month, day);
    }

    private static LocalTime time(String s, int from, int to) {
        int hour = Integer.parseInt(s, from, from + 2, 10);
        int minute = Integer.parseInt(s, from + 3, from + 5, 10);
        int second = Integer.parseInt(s, from + 6, from + 8, 10);
        int nanos = 0;
        if (to > from + 8 && s.charAt(from + 8) == '.') {
            int digits = to - from - 9;
            nanos = Integer.parseInt(s, from + 9, to, 10);
            for (int i = digits; i < 9; i++) nanos *= 10;
        }
        if (hour == 24) return LocalTime.MAX; // PostgreSQL allows 24:00:00; pgjdbc reads it as LocalTime.MAX
        return LocalTime.of(hour, minute, second, nanos);
    }

    private static LocalDateTime timestamp(String s) {
        if (s.equals("infinity")) return LocalDateTime.MAX;
        if (s.equals("-infinity")) return LocalDateTime.MIN;
        boolean bc = s.endsWith(" BC");
        String body = bc ? s.substring(0, s.length() - 3) : s;
        int sp = body.indexOf(' ');
        LocalDate date = date(body.substring(0, sp) + (bc ? " BC" : ""));
        LocalTime time = time(body, sp + 1, body.length());
        return LocalDateTime.of(date, time);
    }

    private static OffsetDateTime timestamptz(String s) {
        if (s.equals("infinity")) return OffsetDateTime.MAX.withOffsetSameInstant(ZoneOffset.UTC);
        if (s.equals("-infinity")) return OffsetDateTime.MIN.withOffsetSameInstant(ZoneOffset.UTC);
        boolean bc = s.endsWith(" BC");
        String body = bc ? s.substring(0, s.length() - 3) : s;
        int sp = body.indexOf(' ');
        int tz = sp + 9;
        while (tz < body.length() && body.charAt(tz) != '+' && body.charAt(tz) != '-') tz++;
        LocalDate date = date(body.substring(0, sp) + (bc ? " BC" : ""));
        LocalTime time = time(body, sp + 1, tz);
        ZoneOffset offset = offset(body, tz);
        return OffsetDateTime.of(date, time, offset).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static ZoneOffset offset(String s, int at) {
        if (at >= s.length()) return ZoneOffset.UTC;
        int sign = s.charAt(at) == '-' ? -1 : 1;
        String[] parts = s.substring(at + 1).split(":");
        int h = Integer.parseInt(parts[0]);
        int m = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        int sec = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
        return ZoneOffset.ofHoursMinutesSeconds(sign * h, sign * m, sign * sec);
    }
}
