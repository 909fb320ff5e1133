package dev.ferry.testkit;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceFactory;
import dev.ferry.spi.SourceReader;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every source must do; a connector subclasses this and says how to create a table of {@link TestRows#SCHEMA}.
 * Cursor strings for TIMESTAMPTZ columns are ISO-8601 instants (e.g. 2020-01-01T00:10:00.5Z).
 */
public abstract class SourceContract {

    protected abstract SourceFactory factory();

    /**
     * (Re)create table {@code name} with the columns of {@link TestRows#SCHEMA} (id the primary key) holding
     * {@code rows}, and return the source config that reads it (without key; the contract adds key: [id]).
     */
    protected abstract ConnectorConfig createTable(String name, List<Object[]> rows);

    /** The type the source reports for a column of the test schema (override where the database differs). */
    protected ColumnType expectedType(Column column) {
        return column.type();
    }

    protected Source open(ConnectorConfig config) {
        Map<String, Object> values = new LinkedHashMap<>(config.values());
        values.put("key", List.of("id"));
        ConnectorConfig withKey = new ConnectorConfig(config.path(), values);
        List<String> problems = new ArrayList<>();
        factory().validate(withKey, problems);
        assertThat(problems).isEmpty();
        return factory().open(withKey);
    }

    protected static ReadSpec spec(int batchSize) {
        return new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), batchSize);
    }

    protected static List<Batch> readAll(Source source, ReadSpec spec, Optional<String> resumeAfter) {
        List<Batch> batches = new ArrayList<>();
        try (SourceReader reader = source.open(spec, resumeAfter)) {
            for (Optional<Batch> b = reader.next(); b.isPresent(); b = reader.next()) batches.add(b.get());
        }
        return batches;
    }

    protected static List<Object[]> rowsOf(List<Batch> batches) {
        List<Object[]> rows = new ArrayList<>();
        for (Batch b : batches) rows.addAll(b.rows());
        return rows;
    }

    @Test
    void reportsTheSchemaWithTypesLengthsAndNullability() {
        try (Source source = open(createTable("c_schema", TestRows.rows(1, 3, 1)))) {
            var schema = source.schema();
            assertThat(schema.names()).map(String::toLowerCase).containsExactlyElementsOf(TestRows.SCHEMA.names());
            for (Column expected : TestRows.SCHEMA.columns()) {
                Column actual = schema.find(expected.name()).orElseThrow();
                assertThat(actual.type()).as(expected.name()).isEqualTo(expectedType(expected));
            }
            assertThat(schema.find("id").orElseThrow().nullable()).isFalse();
            assertThat(schema.find("note").orElseThrow().nullable()).isTrue();
            assertThat(schema.find("name").orElseThrow().length()).isEqualTo(50);
            Column amount = schema.find("amount").orElseThrow();
            assertThat(amount.precision()).isEqualTo(12);
            assertThat(amount.scale()).isEqualTo(3);
        }
    }

    @Test
    void readsEveryRowInKeyOrderWithExactValues() {
        for (long seed : new long[]{1, 2, 3, 42}) {
            List<Object[]> rows = TestRows.rows(seed, 60, 1);
            List<Object[]> shuffled = new ArrayList<>(rows);
            Collections.shuffle(shuffled, new Random(seed));
            try (Source source = open(createTable("c_read", shuffled))) {
                List<Object[]> read = rowsOf(readAll(source, spec(7), Optional.empty()));
                assertThat(TestRows.normalize(read)).as("seed " + seed).isEqualTo(TestRows.normalize(rows));
                assertThat(read.get(0)[TestRows.ID]).isInstanceOf(Long.class);
            }
        }
    }

    @Test
    void respectsTheBatchSize() {
        try (Source source = open(createTable("c_batches", TestRows.rows(5, 25, 1)))) {
            List<Batch> batches = readAll(source, spec(10), Optional.empty());
            assertThat(batches).extracting(Batch::size).containsExactly(10, 10, 5);
            assertThat(batches).extracting(Batch::seq).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void resumesRightAfterABatchPosition() {
        List<Object[]> rows = TestRows.rows(6, 33, 1000);
        try (Source source = open(createTable("c_resume", rows))) {
            List<Batch> batches = readAll(source, spec(8), Optional.empty());
            for (int i = 0; i < batches.size() - 1; i++) {
                List<Object[]> rest = rowsOf(readAll(source, spec(8), Optional.of(batches.get(i).position())));
                assertThat(TestRows.normalize(rest)).isEqualTo(TestRows.normalize(rows.subList(8 * (i + 1), rows.size())));
            }
            List<Batch> none = readAll(source, spec(8), Optional.of(batches.getLast().position()));
            assertThat(none).isEmpty();
        }
    }

    @Test
    void filtersByCursorRangeAndPlansCountAndUpperBound() {
        List<Object[]> rows = new ArrayList<>(TestRows.rows(7, 20, 1));
        for (Object[] r : rows) {
            if (r[TestRows.CREATED] == null) r[TestRows.CREATED] = OffsetDateTime.parse("2019-06-01T00:00:00Z").plusMinutes((Long) r[0]);
        }
        try (Source source = open(createTable("c_cursor", rows))) {
            ReadSpec all = new ReadSpec(List.of("id"), Optional.of("created"), Optional.empty(), Optional.empty(), 6);
            Plan plan = source.plan(all);
            assertThat(plan.totalRows()).hasValue(20);
            OffsetDateTime max = (OffsetDateTime) rows.stream().map(r -> r[TestRows.CREATED])
                    .max((a, b) -> ((OffsetDateTime) a).compareTo((OffsetDateTime) b)).orElseThrow();
            assertThat(OffsetDateTime.parse(plan.cursorTo().orElseThrow()).toInstant()).isEqualTo(max.toInstant());

            String from = ((OffsetDateTime) rows.get(4)[TestRows.CREATED]).toInstant().toString();
            String to = ((OffsetDateTime) rows.get(14)[TestRows.CREATED]).toInstant().toString();
            ReadSpec range = new ReadSpec(List.of("id"), Optional.of("created"), Optional.of(from), Optional.of(to), 4);
            List<Object[]> expected = rows.stream().filter(r -> {
                OffsetDateTime c = (OffsetDateTime) r[TestRows.CREATED];
                return c.isAfter(OffsetDateTime.parse(from)) && !c.isAfter(OffsetDateTime.parse(to));
            }).toList();
            assertThat(source.plan(range).totalRows()).hasValue(expected.size());
            assertThat(source.plan(range).cursorTo()).hasValue(to);
            assertThat(TestRows.normalize(rowsOf(readAll(source, range, Optional.empty()))))
                    .isEqualTo(TestRows.normalize(expected));
        }
    }

    @Test
    void plansTheRowCount() {
        try (Source source = open(createTable("c_plan", TestRows.rows(8, 17, 1)))) {
            assertThat(source.plan(spec(5)).totalRows()).hasValue(17);
        }
    }
}
