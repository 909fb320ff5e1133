package dev.ferry.connectors.csv;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of untidy CSV files and the typed rows they must read back as: quoted delimiters, doubled
 * quotes, newlines inside values, CRLF, a BOM, blank lines, rows of empty cells, trailing delimiters,
 * blank and duplicate header names, null vs empty string.
 */
final class MessyCsv {
    /** Header as written (messy) and the column names the source must derive. */
    static final List<String> HEADER = List.of("ID", "Customer Name", "amount", "ratio", "Active", "born",
            "updated at", "seen", "", "note", "Note");
    static final List<String> NAMES = List.of("id", "customer_name", "amount", "ratio", "active", "born",
            "updated_at", "seen", "col9", "note", "note_2");

    final char delimiter;
    final String newline;
    final boolean bom;
    final String text;
    final List<List<Object>> rows = new ArrayList<>();

    MessyCsv(long seed, int rowCount) {
        Random r = new Random(seed);
        delimiter = new char[]{',', ';', '\t', '|'}[r.nextInt(4)];
        newline = r.nextBoolean() ? "\r\n" : "\n";
        bom = r.nextBoolean();
        StringBuilder sb = new StringBuilder();
        if (bom) sb.append('\uFEFF');
        writeRow(sb, r, new ArrayList<>(HEADER), false);
        List<Long> ids = new ArrayList<>();
        for (long i = 1; i <= rowCount; i++) ids.add(i * 7 + r.nextInt(7));
        java.util.Collections.shuffle(ids, r); // a CSV is not in key order
        for (int i = 0; i < rowCount; i++) {
            if (r.nextInt(15) == 0) sb.append(newline); // blank line
            if (r.nextInt(20) == 0) sb.append(String.valueOf(delimiter).repeat(HEADER.size() - 1)).append(newline);
            List<Object> typed = new ArrayList<>();
            List<String> cells = new ArrayList<>();
            // the first row always has every value so inference sees each type
            boolean full = i == 0;
            add(typed, cells, r, true, ids.get(i), String.valueOf(ids.get(i))); // the key: a row without one is a bad row
            String name = name(r);
            add(typed, cells, r, full, name, name);
            BigDecimal amount = BigDecimal.valueOf(r.nextInt(2_000_000) - 1_000_000, 2);
            add(typed, cells, r, full, amount, amount.toPlainString());
            String ratio = String.format(java.util.Locale.ROOT, "%.4e", r.nextDouble() * 1000);
            add(typed, cells, r, full, Double.valueOf(ratio), ratio);
            boolean active = r.nextBoolean();
            add(typed, cells, r, full, active, r.nextBoolean() ? String.valueOf(active) : String.valueOf(active).toUpperCase());
            LocalDate born = LocalDate.of(1950, 1, 1).plusDays(r.nextInt(25_000));
            add(typed, cells, r, full, born, born.toString());
            LocalDateTime updated = LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(r.nextInt(30_000_000));
            add(typed, cells, r, full, updated, updated.toLocalDate() + (r.nextBoolean() ? " " : "T") + updated.toLocalTime());
            OffsetDateTime seen = updated.atOffset(ZoneOffset.ofHours(r.nextInt(5) - 2));
            add(typed, cells, r, full, seen, seen.getOffset().getTotalSeconds() == 0 && r.nextBoolean()
                    ? seen.toLocalDateTime() + "Z" : seen.toString());
            String blank = r.nextBoolean() ? "x" + r.nextInt(100) : "";
            add(typed, cells, r, full, blank, blank);
            String note = r.nextInt(4) == 0 ? "NULL" : "n" + r.nextInt(1000); // "NULL" is text unless declared null
            add(typed, cells, r, full, note, note);
            String note2 = "  padded, \"quoted\"  ";
            add(typed, cells, r, full, note2, note2);
            rows.add(typed);
            writeRow(sb, r, cells, true);
        }
        if (r.nextBoolean()) sb.append(newline).append(newline); // trailing empty lines
        text = sb.toString();
    }

    private static void add(List<Object> typed, List<String> cells, Random r, boolean full, Object value, String text) {
        if (!full && r.nextInt(10) == 0) {
            typed.add(null);
            cells.add(null);
        } else {
            typed.add(value);
            cells.add(text);
        }
    }

    private static String name(Random r) {
        String[] parts = {"Ann", "Bob, Jr.", "O\"Brien", "line\nbreak", "crlf\r\nbreak", "Zoë", "  spaced ", "semi;colon",
                "tab\there", "pipe|d", "plain"};
        String n = parts[r.nextInt(parts.length)];
        return r.nextInt(12) == 0 ? "" : n; // a quoted empty string, distinct from null
    }

    private void writeRow(StringBuilder sb, Random r, List<String> cells, boolean ragged) {
        int n = cells.size(); // every row has all its cells: a short row is a bad row (CsvSourceTest covers those)
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(delimiter);
            String c = cells.get(i);
            if (c == null) continue; // null: an empty unquoted cell
            boolean mustQuote = c.isEmpty() || c.indexOf(delimiter) >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0
                    || c.indexOf('\r') >= 0;
            if (mustQuote || r.nextInt(8) == 0) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        if (ragged && n == cells.size() && r.nextInt(10) == 0) sb.append(delimiter); // a trailing delimiter
        sb.append(newline);
    }

    static List<Object> list(Object[] row) {
        return Arrays.asList(row);
    }
}
