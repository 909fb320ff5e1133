package dev.ferry.connectors.csv;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.RejectedRecord;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvSourceTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234, 98765})
    void messyFilesReadBackAsTheGeneratedTypedRows(long seed) throws IOException {
        MessyCsv csv = new MessyCsv(seed, 120);
        Path file = write("messy.csv", csv.text);
        try (Source source = open(config(file, Map.of("delimiter", String.valueOf(csv.delimiter))))) {
            assertThat(source.schema().names()).containsExactlyElementsOf(MessyCsv.NAMES);
            assertThat(source.schema().columns()).extracting(c -> c.type()).containsExactly(
                    ColumnType.BIGINT, ColumnType.STRING, ColumnType.DECIMAL, ColumnType.DOUBLE, ColumnType.BOOLEAN,
                    ColumnType.DATE, ColumnType.TIMESTAMP, ColumnType.TIMESTAMPTZ, ColumnType.STRING, ColumnType.STRING,
                    ColumnType.STRING);
            ReadSpec spec = spec(17);
            Plan plan = source.plan(spec);
            assertThat(plan.totalRows()).hasValue(csv.rows.size());
            assertThat(plan.totalBytes()).hasValue(Files.size(file));
            assertThat(readAll(source, spec, Optional.empty())).containsExactlyElementsOf(csv.rows);
            assertThat(source.stats()).containsEntry("rows", (long) csv.rows.size()).containsEntry("sizeBytes", Files.size(file));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void resumingAfterEveryBatchDeliversExactlyTheRest(long seed) throws IOException {
        MessyCsv csv = new MessyCsv(seed, 60);
        Path file = write("messy.csv", csv.text);
        try (Source source = open(config(file, Map.of("delimiter", String.valueOf(csv.delimiter))))) {
            ReadSpec spec = spec(7);
            source.plan(spec);
            List<Batch> batches = new ArrayList<>();
            try (SourceReader reader = source.open(spec, Optional.empty())) {
                for (Optional<Batch> b = reader.next(); b.isPresent(); b = reader.next()) batches.add(b.get());
            }
            assertThat(batches).hasSize((csv.rows.size() + 6) / 7);
            assertThat(batches).allSatisfy(b -> assertThat(b.bytes()).isPositive());
            int delivered = 0;
            for (Batch b : batches) {
                delivered += b.size();
                List<List<Object>> rest = readAll(source, spec, Optional.of(b.position()));
                assertThat(rest).as("after %s", b.position()).containsExactlyElementsOf(csv.rows.subList(delivered, csv.rows.size()));
            }
        }
    }

    @Test
    void aChangedFileIsReadAgainFromTheStartOnResume() throws IOException {
        Path file = write("a.csv", "id,name\n1,a\n2,b\n3,c\n");
        String position;
        try (Source source = open(config(file, Map.of()))) {
            try (SourceReader reader = source.open(spec(2), Optional.empty())) {
                position = reader.next().orElseThrow().position();
            }
        }
        assertThat(position).startsWith("rows=2;file=");
        Files.writeString(file, "id,name\n0,z\n1,a\n2,b\n3,c\n");
        try (Source source = open(config(file, Map.of()))) {
            assertThat(readAll(source, spec(2), Optional.of(position))).extracting(r -> r.get(0)).containsExactly(0L, 1L, 2L, 3L);
        }
        try (Source source = open(config(file, Map.of()))) {
            assertThatThrownBy(() -> source.open(spec(2), Optional.of("42")).next())
                    .isInstanceOf(SyncException.class).hasMessageContaining("--full-refresh");
        }
    }

    @Test
    void cursorDeliversOnlyRowsAboveTheMarkAndPlanFixesTheUpperBound() throws IOException {
        Path file = write("c.csv", """
                id,updated
                1,2024-01-03 10:00:00
                2,2024-01-01 09:00:00
                3,
                4,2024-01-05 00:00:01
                5,2024-01-02 12:00:00
                """);
        try (Source source = open(config(file, Map.of("cursor", "updated")))) {
            ReadSpec first = new ReadSpec(List.of("id"), Optional.of("updated"), Optional.empty(), Optional.empty(), 2);
            Plan plan = source.plan(first);
            assertThat(plan.cursorTo()).hasValue("2024-01-05T00:00:01");
            assertThat(plan.totalRows()).hasValue(5);
            // the first pass has no lower bound: rows without a cursor value are loaded too
            assertThat(readAll(source, first.withCursorTo(plan.cursorTo()), Optional.empty()))
                    .extracting(r -> r.get(0)).containsExactly(1L, 2L, 3L, 4L, 5L);

            ReadSpec next = new ReadSpec(List.of("id"), Optional.of("updated"), Optional.of("2024-01-02T12:00"), Optional.empty(), 2);
            Plan plan2 = source.plan(next);
            assertThat(plan2.totalRows()).hasValue(2);
            ReadSpec bounded = next.withCursorTo(plan2.cursorTo());
            assertThat(readAll(source, bounded, Optional.empty())).extracting(r -> r.get(0)).containsExactly(1L, 4L);
            ReadSpec narrow = next.withCursorTo(Optional.of("2024-01-04T00:00"));
            assertThat(readAll(source, narrow, Optional.empty())).extracting(r -> r.get(0)).containsExactly(1L);
            assertThat(source.schema().find("updated").orElseThrow().type()).isEqualTo(ColumnType.TIMESTAMP);
            assertThat(readAll(source, narrow, Optional.empty()).get(0).get(1)).isEqualTo(LocalDateTime.of(2024, 1, 3, 10, 0));
        }
    }

    @Test
    void numericCursorsCompareAsNumbersNotText() throws IOException {
        Path file = write("n.csv", "id,version\n1,9\n2,10\n3,100\n");
        try (Source source = open(config(file, Map.of()))) {
            ReadSpec spec = new ReadSpec(List.of("id"), Optional.of("version"), Optional.of("9"), Optional.empty(), 10);
            Plan plan = source.plan(spec);
            assertThat(plan.cursorTo()).hasValue("100");
            assertThat(readAll(source, spec.withCursorTo(plan.cursorTo()), Optional.empty())).extracting(r -> r.get(0)).containsExactly(2L, 3L);
        }
    }

    @Test
    void aLaterValueThatDoesNotFitTheInferredTypeStopsThePlanWithTheFix() throws IOException {
        StringBuilder sb = new StringBuilder("id,amount\n");
        for (int i = 1; i <= 10; i++) sb.append(i).append(',').append(i * 3).append('\n');
        sb.append("11,12.5\n12,n/a\n");
        Path file = write("late.csv", sb.toString());
        try (Source source = open(config(file, Map.of("inferRows", 5, "badRows", "fail")))) {
            assertThat(source.schema().find("amount").orElseThrow().type()).isEqualTo(ColumnType.BIGINT);
            assertThatThrownBy(() -> source.plan(spec(100)))
                    .isInstanceOf(SyncException.class)
                    .hasMessageContaining(file + " line 12, column amount: '12.5' is not a whole number")
                    .hasMessageContaining("inferred from the first 5 rows")
                    .hasMessageContaining("declare source.columns.amount: \"decimal(");
        }
        try (Source source = open(config(file, Map.of("inferRows", 5)))) {
            // by default the two records that do not fit become dead letters; the other ten are read
            assertThat(source.plan(spec(100)).totalRows()).hasValue(12);
            List<RejectedRecord> rejected = new ArrayList<>();
            assertThat(readAll(source, spec(100), Optional.empty(), rejected)).hasSize(10);
            assertThat(rejected).extracting(RejectedRecord::key).containsExactly("11", "12");
            assertThat(rejected.get(0).reason()).contains("line 12, column amount: '12.5' is not a whole number");
            assertThat(rejected.get(1).payload()).containsEntry("id", "12").containsEntry("amount", "n/a");
        }
        try (Source source = open(config(file, Map.of("inferRows", 5, "badRows", "fail", "columns", Map.of("amount", "decimal(10,1)"))))) {
            assertThatThrownBy(() -> source.plan(spec(100)))
                    .hasMessageContaining("line 13, column amount: 'n/a' is not a decimal number (declared in source.columns)")
                    .hasMessageContaining("declare source.columns.amount: string");
        }
        try (Source source = open(config(file, Map.of("columns", Map.of("amount", "string"))))) {
            assertThat(readAll(source, spec(100), Optional.empty())).last().isEqualTo(List.of(12L, "n/a"));
        }
    }

    @Test
    void declaredColumnsOverrideInferenceAndMustExist() throws IOException {
        Path file = write("d.csv", "Zip Code,Amount,When\n00501,12.50,2024-01-01T00:00:00+02:00\n90210,3,2024-02-01T00:00:00Z\n");
        try (Source source = open(config(file, Map.of("columns", Map.of("Amount", "decimal(12,2)"))))) {
            assertThat(source.schema().names()).containsExactly("zip_code", "amount", "when");
            assertThat(source.schema().column(0).type()).isEqualTo(ColumnType.STRING); // leading zeros: not a number
            assertThat(source.schema().column(1)).satisfies(c -> {
                assertThat(c.type()).isEqualTo(ColumnType.DECIMAL);
                assertThat(c.precision()).isEqualTo(12);
                assertThat(c.scale()).isEqualTo(2);
            });
            assertThat(source.schema().column(2).type()).isEqualTo(ColumnType.TIMESTAMPTZ);
            assertThat(readAll(source, spec(10), Optional.empty())).extracting(r -> r.get(1))
                    .containsExactly(new BigDecimal("12.50"), new BigDecimal("3"));
        }
        assertThatThrownBy(() -> open(config(file, Map.of("columns", Map.of("amout", "bigint")))))
                .isInstanceOf(SyncException.class)
                .hasMessageContaining("source.columns: amout not in the header")
                .hasMessageContaining("[zip_code, amount, when]");
    }

    @Test
    void withoutAHeaderColumnsAreNumberedOrNamedByColumns() throws IOException {
        Path file = write("h.csv", "1;a;true\n2;b;false\n");
        try (Source source = open(config(file, Map.of("header", false, "delimiter", ";")))) {
            assertThat(source.schema().names()).containsExactly("col1", "col2", "col3");
            assertThat(readAll(source, spec(10), Optional.empty())).containsExactly(List.of(1L, "a", true), List.of(2L, "b", false));
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("id", "integer");
        columns.put("Name", "auto");
        columns.put("ok", "boolean");
        try (Source source = open(config(file, Map.of("header", "false", "delimiter", ";", "columns", columns)))) {
            assertThat(source.schema().names()).containsExactly("id", "name", "ok");
            assertThat(readAll(source, spec(10), Optional.empty())).containsExactly(List.of(1, "a", true), List.of(2, "b", false));
        }
    }

    @Test
    void raggedRowsAreBadRowsNamingTheLineButATrailingBlankHeaderIsOptional() throws IOException {
        Path file = write("r.csv", "a,b,c\n1,2\n3,4,5,,\n6,7,8,9\n");
        try (Source source = open(config(file, Map.of("badRows", "fail")))) {
            assertThatThrownBy(() -> source.plan(spec(10)))
                    .isInstanceOf(SyncException.class)
                    .hasMessageContaining("line 2 has 2 fields but there are 3 columns (no value for c)");
        }
        try (Source source = open(config(file, Map.of()));
             SourceReader reader = source.open(spec(2), Optional.empty())) {
            Batch first = reader.next().orElseThrow();
            assertThat(first.rows()).extracting(MessyCsv::list).containsExactly(List.of(3L, 4L, 5L));
            assertThat(first.rejected()).singleElement().satisfies(r -> {
                assertThat(r.reason()).contains("line 2 has 2 fields but there are 3 columns (no value for c)");
                assertThat(r.payload()).containsEntry("a", "1").containsEntry("b", "2");
            });
            Batch last = reader.next().orElseThrow();
            assertThat(last.rows()).isEmpty();
            assertThat(last.rejected()).singleElement().satisfies(r -> {
                assertThat(r.reason()).contains("line 4 has 4 fields but there are 3 columns (field 4 is '9')");
                assertThat(r.payload()).containsEntry("a", "6").containsEntry("field_4", "9");
            });
            assertThat(reader.next()).isEmpty();
        }
        Path trailing = write("t.csv", "a,b,\n1,2\n3,4,\n");
        try (Source source = open(config(trailing, Map.of("badRows", "fail")))) {
            assertThat(readAll(source, spec(10), Optional.empty()))
                    .containsExactly(java.util.Arrays.asList(1L, 2L, null), java.util.Arrays.asList(3L, 4L, null));
        }
    }

    @Test
    void rowsWithoutAKeyAreRejectedEachUnderItsOwnLine() throws IOException {
        Path file = write("nokey.csv", "id,name\n1,a\n,b\n,c\n4,d\n");
        List<RejectedRecord> rejected = new ArrayList<>();
        try (Source source = open(config(file, Map.of("columns", Map.of("id", "string"))))) {
            assertThat(readAll(source, spec(10), Optional.empty(), rejected)).containsExactly(List.of("1", "a"), List.of("4", "d"));
        }
        assertThat(rejected).extracting(RejectedRecord::key).containsExactly("(no key) line 3", "(no key) line 4");
        assertThat(rejected).allSatisfy(r -> assertThat(r.reason()).contains("no value for key column id"));
    }

    /**
     * A continental file (;-separated, 1.234,56): with decimalSeparator "," every form reads as its number, inferred
     * or declared. Without it, "1,234" in a declared decimal column read as 1234 while "1,5" was refused.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void decimalCommaNumbersReadAsTheirValue(long seed) throws IOException {
        java.util.Random random = new java.util.Random(seed);
        StringBuilder csv = new StringBuilder("id;amount;declared\n");
        List<List<Object>> expected = new ArrayList<>();
        String[] groupings = {"", ".", " ", "\u00a0", "'"};
        for (int id = 1; id <= 60; id++) {
            BigDecimal amount = BigDecimal.valueOf(random.nextLong(-10_000_000_000L, 10_000_000_000L), 2);
            BigDecimal declared = BigDecimal.valueOf(random.nextLong(0, 10_000_000L), 3);
            csv.append(id).append(';').append(continental(amount, groupings[random.nextInt(groupings.length)]))
                    .append(';').append(continental(declared, groupings[random.nextInt(groupings.length)])).append('\n');
            expected.add(List.of((long) id, amount, declared));
        }
        Path file = write("eu" + seed + ".csv", csv.toString());
        Map<String, Object> options = Map.of("delimiter", ";", "decimalSeparator", ",", "columns", Map.of("declared", "decimal(12,3)"));
        List<RejectedRecord> rejected = new ArrayList<>();
        try (Source source = open(config(file, options))) {
            assertThat(source.schema().column(1).type()).isEqualTo(ColumnType.DECIMAL);
            List<List<Object>> rows = readAll(source, spec(13), Optional.empty(), rejected);
            assertThat(rejected).isEmpty();
            assertThat(rows).hasSize(expected.size());
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i).get(0)).isEqualTo(expected.get(i).get(0));
                assertThat((BigDecimal) rows.get(i).get(1)).isEqualByComparingTo((BigDecimal) expected.get(i).get(1));
                assertThat((BigDecimal) rows.get(i).get(2)).isEqualByComparingTo((BigDecimal) expected.get(i).get(2));
            }
        }
    }

    /** 1234567.5 → "1.234.567,50" (with '.' as the group mark); an empty mark writes no groups. */
    private static String continental(BigDecimal value, String groupMark) {
        String plain = value.abs().toPlainString();
        String whole = plain.contains(".") ? plain.substring(0, plain.indexOf('.')) : plain;
        String fraction = plain.contains(".") ? plain.substring(plain.indexOf('.') + 1) : "";
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < whole.length(); i++) {
            if (i > 0 && (whole.length() - i) % 3 == 0) grouped.append(groupMark);
            grouped.append(whole.charAt(i));
        }
        return (value.signum() < 0 ? "-" : "") + grouped + (fraction.isEmpty() ? "" : "," + fraction);
    }

    /** Lines cut short or split by an unquoted newline, at random: each becomes a rejected record, none lands padded. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void brokenLinesAreRejectedNeverLandedHalf(long seed) throws IOException {
        java.util.Random random = new java.util.Random(seed);
        StringBuilder csv = new StringBuilder("id,name,amount,note\n");
        List<List<Object>> expected = new java.util.ArrayList<>();
        int broken = 0;
        for (int id = 1; id <= 200; id++) {
            String name = "n" + random.nextInt(1000);
            long amount = random.nextInt(100_000);
            String note = "x" + random.nextInt(1000);
            switch (random.nextInt(10)) {
                case 0 -> { csv.append(id).append(',').append(name).append(',').append(amount).append('\n'); broken++; }
                case 1 -> { // an unquoted newline inside name: two short lines
                    csv.append(id).append(",").append(name).append("\nrest,").append(amount).append(',').append(note).append('\n');
                    broken += 2;
                }
                default -> {
                    csv.append(id).append(',').append(name).append(',').append(amount).append(',').append(note).append('\n');
                    expected.add(List.of((long) id, name, amount, note));
                }
            }
        }
        Path file = write("broken" + seed + ".csv", csv.toString());
        List<RejectedRecord> rejected = new java.util.ArrayList<>();
        Map<String, Object> columns = Map.of("id", "bigint", "name", "string", "amount", "bigint", "note", "string");
        try (Source source = open(config(file, Map.of("columns", columns)))) {
            assertThat(readAll(source, spec(17), Optional.empty(), rejected)).containsExactlyElementsOf(expected);
        }
        assertThat(rejected).hasSize(broken).allSatisfy(r -> assertThat(r.reason()).contains("fields but there are 4 columns"));
    }

    @Test
    void nullValuesAndQuotedEmptyStrings() throws IOException {
        Path file = write("nulls.csv", "id,s,n\n1,,\n2,\"\",\"\"\n3,NULL,NULL\n4,\\N,7\n");
        try (Source source = open(config(file, Map.of()))) {
            assertThat(readAll(source, spec(10), Optional.empty())).extracting(r -> r.get(1)).containsExactly(null, "", "NULL", "\\N");
            // "NULL" is text by default, so n is a string column and the quoted "" stays an empty string
            assertThat(readAll(source, spec(10), Optional.empty())).extracting(r -> r.get(2)).containsExactly(null, "", "NULL", "7");
        }
        try (Source source = open(config(file, Map.of("nullValues", List.of("", "NULL", "\\N"))))) {
            assertThat(readAll(source, spec(10), Optional.empty())).extracting(r -> r.get(1)).containsExactly(null, "", null, null);
            assertThat(readAll(source, spec(10), Optional.empty())).extracting(r -> r.get(2)).containsExactly(null, null, null, 7L);
            assertThat(source.schema().column(2).type()).isEqualTo(ColumnType.BIGINT);
        }
    }

    @Test
    void otherEncodingsAndTabs() throws IOException {
        Path file = dir.resolve("latin.tsv");
        Files.write(file, "name\tcity\nJosé\tMünchen\n".getBytes(Charset.forName("ISO-8859-1")));
        try (Source source = open(config(file, Map.of("delimiter", "tab", "encoding", "ISO-8859-1")))) {
            assertThat(readAll(source, spec(10), Optional.empty())).containsExactly(List.of("José", "München"));
        }
        Path utf16 = dir.resolve("u16.csv");
        Files.write(utf16, "\uFEFFid,name\n1,Zoë\n".getBytes(StandardCharsets.UTF_16LE));
        try (Source source = open(config(utf16, Map.of("encoding", "UTF-16LE")))) {
            assertThat(source.schema().names()).containsExactly("id", "name");
            assertThat(readAll(source, spec(10), Optional.empty())).containsExactly(List.of(1L, "Zoë"));
        }
    }

    @Test
    void anUnclosedQuoteIsReportedAsInvalidCsv() throws IOException {
        Path file = write("bad.csv", "id,name\n1,\"open\n2,b\n");
        assertThatThrownBy(() -> open(config(file, Map.of())))
                .isInstanceOf(SyncException.class)
                .hasMessageContaining(file + ": the file is not valid CSV")
                .hasMessageContaining("unclosed quote");
    }

    @Test
    void anEmptyFileNeedsAHeader() throws IOException {
        Path file = write("empty.csv", "\n\n");
        assertThatThrownBy(() -> open(config(file, Map.of()))).hasMessageContaining("the file is empty; it needs a header row");
        Path headerOnly = write("header.csv", "a,b\n");
        try (Source source = open(config(headerOnly, Map.of()))) {
            assertThat(source.plan(spec(10)).totalRows()).hasValue(0);
            assertThat(readAll(source, spec(10), Optional.empty())).isEmpty();
        }
    }

    // ---- helpers ----

    Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    static ConnectorConfig config(Path file, Map<String, Object> extra) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", "csv");
        v.put("path", file.toString());
        v.put("key", List.of("id"));
        v.putAll(extra);
        return new ConnectorConfig("source", v);
    }

    /** Opens and loads (the factory defers loading to first use, as the engine's run does with schema()). */
    static Source open(ConnectorConfig config) {
        Source source = new CsvSourceFactory().open(config);
        try {
            source.schema();
            return source;
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    static ReadSpec spec(int batchSize) {
        return new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), batchSize);
    }

    static List<List<Object>> readAll(Source source, ReadSpec spec, Optional<String> resumeAfter) {
        List<RejectedRecord> rejected = new ArrayList<>();
        List<List<Object>> rows = readAll(source, spec, resumeAfter, rejected);
        assertThat(rejected).as("records the source rejected").isEmpty();
        return rows;
    }

    static List<List<Object>> readAll(Source source, ReadSpec spec, Optional<String> resumeAfter, List<RejectedRecord> rejected) {
        List<List<Object>> rows = new ArrayList<>();
        try (SourceReader reader = source.open(spec, resumeAfter)) {
            for (Optional<Batch> b = reader.next(); b.isPresent(); b = reader.next()) {
                assertThat(b.get().size() + b.get().rejected().size()).isBetween(1, spec.batchSize());
                for (Object[] row : b.get().rows()) rows.add(MessyCsv.list(row));
                rejected.addAll(b.get().rejected());
            }
        }
        return rows;
    }
}
