package dev.ferry.testkit;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The fixed schema the connector contracts use, and a deterministic generator of rows for it (seeded), with the
 * strings that break naive escaping: tabs, newlines, backslashes, quotes, commas, "\N", unicode, empty vs null.
 */
public final class TestRows {
    /** id bigint key, name varchar(50), amount numeric(12,3), created timestamptz, flag boolean, note text, data bytes */
    public static final Schema SCHEMA = new Schema(List.of(
            new Column("id", ColumnType.BIGINT, 0, 0, 0, false),
            new Column("name", ColumnType.STRING, 50, 0, 0, true),
            new Column("amount", ColumnType.DECIMAL, 0, 12, 3, true),
            new Column("created", ColumnType.TIMESTAMPTZ, 0, 0, 0, true),
            new Column("flag", ColumnType.BOOLEAN, 0, 0, 0, true),
            new Column("note", ColumnType.TEXT, 0, 0, 0, true),
            new Column("data", ColumnType.BYTES, 0, 0, 0, true)));
    public static final int ID = 0, NAME = 1, AMOUNT = 2, CREATED = 3, FLAG = 4, NOTE = 5, DATA = 6;

    private static final String[] PIECES = {"a", "Z", "0", " ", "\t", "\n", "\r", "\\", "'", "\"", ",", "\\N", "é", "日本",
            "😀", ";", "%", "_", "NULL", "x y"};
    private static final Instant BASE = Instant.parse("2020-01-01T00:00:00Z");

    private TestRows() {
    }

    /** {@code count} rows with increasing ids from {@code firstId} (gaps of 1–3); created increases with id. */
    public static List<Object[]> rows(long seed, int count, long firstId) {
        Random r = new Random(seed);
        List<Object[]> out = new ArrayList<>(count);
        long id = firstId;
        for (int i = 0; i < count; i++) {
            out.add(row(r, id));
            id += 1 + r.nextInt(3);
        }
        return out;
    }

    public static Object[] row(Random r, long id) {
        Object[] row = new Object[7];
        row[ID] = id;
        row[NAME] = r.nextInt(10) == 0 ? null : text(r, 20);
        row[AMOUNT] = r.nextInt(10) == 0 ? null : BigDecimal.valueOf(r.nextLong() % 1_000_000_000_000L, 3);
        // one minute per id plus some microseconds: unique and increasing with id (a cursor column)
        row[CREATED] = r.nextInt(10) == 0 ? null : OffsetDateTime.ofInstant(BASE.plusSeconds(60 * id)
                .plusNanos(1000L * r.nextInt(59_000_000)), ZoneOffset.UTC);
        row[FLAG] = r.nextInt(5) == 0 ? null : r.nextBoolean();
        row[NOTE] = r.nextInt(4) == 0 ? null : text(r, 200);
        if (r.nextInt(5) == 0) {
            row[DATA] = null;
        } else {
            byte[] b = new byte[r.nextInt(24)];
            r.nextBytes(b);
            row[DATA] = b;
        }
        return row;
    }

    /** Up to {@code maxPieces} tricky pieces (at most 2 UTF-16 chars each); sometimes the empty string. */
    public static String text(Random r, int maxPieces) {
        int n = r.nextInt(maxPieces + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String p = PIECES[r.nextInt(PIECES.length)];
            if (p.length() > 2) p = p.substring(0, 2);
            sb.append(p);
        }
        return sb.toString();
    }

    /** A copy of the row with another name (an update). */
    public static Object[] changed(Object[] row, String name) {
        Object[] c = row.clone();
        c[NAME] = name;
        return c;
    }

    /**
     * A row's values in a form that compares with equals across databases: decimals by value, timestamps as
     * instants (a LocalDateTime is taken as UTC, as databases without time zones store them), bytes as hex.
     */
    public static List<Object> normalize(Object[] row) {
        List<Object> out = new ArrayList<>(row.length);
        for (Object v : row) {
            out.add(switch (v) {
                case null -> null;
                case BigDecimal d -> d.stripTrailingZeros().toPlainString();
                case OffsetDateTime t -> t.toInstant();
                case LocalDateTime t -> t.toInstant(ZoneOffset.UTC);
                case byte[] b -> "0x" + HexFormat.of().formatHex(b);
                case Integer n -> n.longValue();
                case Short n -> n.longValue();
                default -> v;
            });
        }
        return out;
    }

    public static List<List<Object>> normalize(List<Object[]> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) out.add(normalize(r));
        return out;
    }

    public static String describe(Object[] row) {
        return Arrays.deepToString(row);
    }
}
