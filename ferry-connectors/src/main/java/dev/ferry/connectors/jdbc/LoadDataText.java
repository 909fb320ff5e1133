package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ColumnType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Rows as the text MariaDB's {@code LOAD DATA … CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
 * LINES TERMINATED BY '\n'} reads: {@code \N} for null, backslash escapes for {@code \ TAB LF CR NUL}, booleans as
 * 1/0, timestamps as UTC {@code yyyy-MM-dd HH:mm:ss.ffffff}, bytes as hex (the statement UNHEXes them).
 */
final class LoadDataText {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private byte[] buf = new byte[1 << 16];
    private int len;

    byte[] buffer() {
        return buf;
    }

    int length() {
        return len;
    }

    LoadDataText encode(List<Object[]> rows, ColumnType[] types) {
        len = 0;
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) put((byte) '\t');
                value(row[i], types[i]);
            }
            put((byte) '\n');
        }
        return this;
    }

    private void value(Object v, ColumnType type) {
        switch (v) {
            case null -> ascii("\\N");
            case String s -> string(s);
            case Boolean b -> put((byte) (b ? '1' : '0'));
            case BigDecimal d -> ascii(d.toPlainString());
            case OffsetDateTime t -> dateTime(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
            case LocalDateTime t -> dateTime(t);
            case LocalTime t -> time(t);
            case LocalDate d -> date(d);
            case byte[] b -> {
                ensure(b.length * 2);
                for (byte x : b) {
                    buf[len++] = HEX[(x >> 4) & 0xf];
                    buf[len++] = HEX[x & 0xf];
                }
            }
            default -> string(v.toString()); // numbers, UUID
        }
    }

    private void string(String s) {
        ensure(s.length() * 4 + 8);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> { buf[len++] = '\\'; buf[len++] = '\\'; }
                    case '\t' -> { buf[len++] = '\\'; buf[len++] = 't'; }
                    case '\n' -> { buf[len++] = '\\'; buf[len++] = 'n'; }
                    case '\r' -> { buf[len++] = '\\'; buf[len++] = 'r'; }
                    case '\0' -> { buf[len++] = '\\'; buf[len++] = '0'; }
                    default -> buf[len++] = (byte) c;
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xc0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xf0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[len++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                buf[len++] = '?'; // a lone surrogate has no UTF-8 form (String.getBytes writes '?' too)
            } else {
                buf[len++] = (byte) (0xe0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[len++] = (byte) (0x80 | (c & 0x3f));
            }
        }
    }

    private void dateTime(LocalDateTime t) {
        date(t.toLocalDate());
        put((byte) ' ');
        time(t.toLocalTime());
    }

    private void date(LocalDate d) {
        int y = d.getYear();
        if (y < 0 || y > 9999) {
            ascii(d.toString()); // out of MariaDB's range: let it refuse the value
            return;
        }
        digits(y, 4);
        put((byte) '-');
        digits(d.getMonthValue(), 2);
        put((byte) '-');
        digits(d.getDayOfMonth(), 2);
    }

    private void time(LocalTime t) {
        digits(t.getHour(), 2);
        put((byte) ':');
        digits(t.getMinute(), 2);
        put((byte) ':');
        digits(t.getSecond(), 2);
        put((byte) '.');
        digits(t.getNano() / 1000, 6); // DATETIME(6)/TIME(6) keep microseconds; the driver truncates too
    }

    private void digits(int v, int width) {
        ensure(width);
        for (int i = width - 1; i >= 0; i--) {
            buf[len + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += width;
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) buf[len++] = (byte) s.charAt(i);
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
}
