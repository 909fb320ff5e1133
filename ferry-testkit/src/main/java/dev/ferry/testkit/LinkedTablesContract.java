package dev.ferry.testkit;

import dev.ferry.core.ErrorClassifier;
import dev.ferry.core.ErrorKind;
import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.LinkedResult;
import dev.ferry.spi.LinkedRows;
import dev.ferry.spi.LinkedTable;
import dev.ferry.spi.LinkedWriteResult;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Derived records: a destination that writes linked tables ({@code DestinationWriter#openLinked}/{@code writeLinked})
 * writes them in the primary batch's transaction, updates them in place, removes a primary record's row when the
 * batch no longer produces it, counts exactly, and on failure leaves none of the batch in any table.
 */
public abstract class LinkedTablesContract {
    /** Derived table 1: one row per primary record whose amount is set, with a short label (varchar(12)). */
    static final Schema LABELS = new Schema(List.of(new Column("parent_id", ColumnType.BIGINT, 0, 0, 0, false),
            new Column("label", ColumnType.STRING, 12, 0, 0, true)));
    /** Derived table 2: a flag copy, only for flagged records. */
    static final Schema FLAGS = new Schema(List.of(new Column("id", ColumnType.BIGINT, 0, 0, 0, false),
            Column.of("flagged_at", ColumnType.TIMESTAMPTZ)));

    protected abstract DestinationFactory factory();

    /** The destination config writing {@code table} (bare name; the subclass qualifies it). */
    protected abstract ConnectorConfig config(String table);

    protected abstract void drop(String table);

    /** Rows of {@code table} (bare name) in {@code schema}'s column order, ordered by its first column; empty if missing. */
    protected abstract List<Object[]> read(String table, Schema schema);

    protected String qualified(String table) {
        return config(table).string("table").orElseThrow();
    }

    private List<LinkedTable> tables(String prefix) {
        return List.of(new LinkedTable(qualified(prefix + "_labels"), LABELS, List.of("parent_id")),
                new LinkedTable(qualified(prefix + "_flags"), FLAGS, List.of("id")));
    }

    /** What a batch of primary rows derives, given a version (the conditions and values change with it). */
    static List<LinkedRows> derive(List<LinkedTable> tables, List<Object[]> rows, int version) {
        List<Object[]> labels = new ArrayList<>(), flags = new ArrayList<>();
        for (Object[] r : rows) {
            long id = (Long) r[TestRows.ID];
            if (version == 1 ? id % 2 == 0 : id % 3 == 0) labels.add(new Object[]{id, (version == 1 ? "v1-" : "v2-") + (id % 5 == 0 ? id : id % 7)});
            if (version == 1 || id % 4 != 0) if (Boolean.TRUE.equals(r[TestRows.FLAG])) flags.add(new Object[]{id, r[TestRows.CREATED]});
        }
        return List.of(new LinkedRows(tables.get(0), labels), new LinkedRows(tables.get(1), flags));
    }

    private void dropAll(String prefix) {
        drop(prefix);
        drop(prefix + "_labels");
        drop(prefix + "_flags");
    }

    private Destination open(String table) {
        List<String> problems = new ArrayList<>();
        factory().validate(config(table), problems);
        assertThat(problems).isEmpty();
        return factory().open(config(table));
    }

    private DestinationWriter writer(Destination d, String prefix, List<LinkedTable> tables) {
        DestinationWriter w = d.open(TestRows.SCHEMA, new WriteSpec(qualified(prefix), List.of("id"), WriteMode.UPSERT, "contract", true));
        w.openLinked(tables);
        return w;
    }

    private static List<Object> ids(List<Object[]> rows) {
        return rows.stream().map(r -> r[0]).toList();
    }

    private static List<Object> expectedIds(List<Object[]> rows, Predicate<Long> keep) {
        return rows.stream().map(r -> (Object) r[TestRows.ID]).filter(id -> keep.test((Long) id)).toList();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void derivedRowsLandWithTheirBatchUpdateInPlaceAndGoWhenNoLongerProduced(long seed) {
        String prefix = "lk" + seed;
        dropAll(prefix);
        List<LinkedTable> tables = tables(prefix);
        List<Object[]> rows = TestRows.rows(seed, 60, 1);
        long evens = rows.stream().filter(r -> (Long) r[0] % 2 == 0).count();
        long flagged = rows.stream().filter(r -> Boolean.TRUE.equals(r[TestRows.FLAG])).count();
        try (Destination d = open(prefix); DestinationWriter w = writer(d, prefix, tables)) {
            LinkedWriteResult first = w.writeLinked(new Batch(0, TestRows.SCHEMA, rows, "p", 0), derive(tables, rows, 1));
            assertThat(first.primary()).isEqualTo(new WriteResult(60, 0, 0));
            assertThat(first.linked()).extracting(LinkedResult::table).containsExactly(tables.get(0).table(), tables.get(1).table());
            assertThat(first.linked().get(0)).isEqualTo(new LinkedResult(tables.get(0).table(), new WriteResult(evens, 0, 0), 0));
            assertThat(first.linked().get(1).written().inserted()).isEqualTo(flagged);
            assertThat(ids(read(prefix + "_labels", LABELS))).isEqualTo(expectedIds(rows, id -> id % 2 == 0));

            // the same batch again (a redo after a crash): nothing changes
            LinkedWriteResult again = w.writeLinked(new Batch(1, TestRows.SCHEMA, rows, "p", 0), derive(tables, rows, 1));
            assertThat(again.primary()).isEqualTo(new WriteResult(0, 0, 60));
            assertThat(again.linked().get(0)).isEqualTo(new LinkedResult(tables.get(0).table(), new WriteResult(0, 0, evens), 0));
            assertThat(again.linked().get(1)).isEqualTo(new LinkedResult(tables.get(1).table(), new WriteResult(0, 0, flagged), 0));

            // version 2: other conditions, other labels
            LinkedWriteResult second = w.writeLinked(new Batch(2, TestRows.SCHEMA, rows, "p", 0), derive(tables, rows, 2));
            long both = rows.stream().filter(r -> (Long) r[0] % 6 == 0).count();
            long thirdsOnly = rows.stream().filter(r -> (Long) r[0] % 3 == 0 && (Long) r[0] % 2 != 0).count();
            long evensOnly = evens - both;
            assertThat(second.linked().get(0)).isEqualTo(new LinkedResult(tables.get(0).table(), new WriteResult(thirdsOnly, both, 0), evensOnly));
            long flagsGone = rows.stream().filter(r -> Boolean.TRUE.equals(r[TestRows.FLAG]) && (Long) r[0] % 4 == 0).count();
            assertThat(second.linked().get(1).deleted()).isEqualTo(flagsGone);
            List<Object[]> labels = read(prefix + "_labels", LABELS);
            assertThat(ids(labels)).isEqualTo(expectedIds(rows, id -> id % 3 == 0));
            assertThat(labels).allSatisfy(l -> assertThat((String) l[1]).startsWith("v2-"));
            assertThat(ids(read(prefix + "_flags", FLAGS))).isEqualTo(rows.stream()
                    .filter(r -> Boolean.TRUE.equals(r[TestRows.FLAG]) && (Long) r[0] % 4 != 0).map(r -> r[0]).toList());

            // a batch of other keys leaves these keys' derived rows alone
            List<Object[]> others = TestRows.rows(seed + 100, 5, 10_000);
            LinkedWriteResult unrelated = w.writeLinked(new Batch(3, TestRows.SCHEMA, others, "p", 0), derive(tables, others, 2));
            assertThat(unrelated.linked().get(0).deleted()).isZero();
            assertThat(ids(read(prefix + "_labels", LABELS))).containsAll(expectedIds(rows, id -> id % 3 == 0));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22})
    void aDerivedRowTheDatabaseRefusesLeavesNothingOfTheBatchInAnyTable(long seed) {
        String prefix = "lf" + seed;
        dropAll(prefix);
        List<LinkedTable> tables = tables(prefix);
        List<Object[]> rows = TestRows.rows(seed, 30, 1);
        try (Destination d = open(prefix); DestinationWriter w = writer(d, prefix, tables)) {
            List<LinkedRows> derived = derive(tables, rows, 1);
            List<Object[]> labels = new ArrayList<>(derived.get(0).rows());
            labels.add(new Object[]{rows.get(1)[TestRows.ID], "far too long for twelve characters"});
            Throwable t = catchThrowable(() -> w.writeLinked(new Batch(0, TestRows.SCHEMA, rows, "p", 0),
                    List.of(new LinkedRows(tables.get(0), labels), derived.get(1))));
            assertThat(t).isNotNull();
            assertThat(ErrorClassifier.classify(t)).isEqualTo(ErrorKind.RECORD);
            assertThat(read(prefix, TestRows.SCHEMA)).isEmpty();
            assertThat(read(prefix + "_labels", LABELS)).isEmpty();
            assertThat(read(prefix + "_flags", FLAGS)).isEmpty();
            // the writer goes on: the fixed batch lands whole
            LinkedWriteResult ok = w.writeLinked(new Batch(0, TestRows.SCHEMA, rows, "p", 0), derived);
            assertThat(ok.primary().inserted()).isEqualTo(30);
            assertThat(read(prefix + "_labels", LABELS)).hasSize(derived.get(0).rows().size());
        }
        assertThat(Optional.of(prefix)).isPresent();
    }
}
