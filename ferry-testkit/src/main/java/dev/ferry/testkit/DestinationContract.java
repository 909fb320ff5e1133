package dev.ferry.testkit;

import dev.ferry.core.ErrorClassifier;
import dev.ferry.core.ErrorKind;
import dev.ferry.spi.Batch;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** What every destination must do with rows of {@link TestRows#SCHEMA}; a connector subclasses it. */
public abstract class DestinationContract {

    protected abstract DestinationFactory factory();

    /** The destination config writing {@code table} (a bare name; the subclass may qualify it with a schema). */
    protected abstract ConnectorConfig config(String table);

    /** The table name as the config names it (what goes into WriteSpec). */
    protected String qualified(String table) {
        return config(table).string("table").orElseThrow();
    }

    /** Drop {@code table} if it exists. */
    protected abstract void drop(String table);

    /** The table's rows ordered by id, columns in {@link TestRows#SCHEMA} order; empty if the table is missing. */
    protected abstract List<Object[]> readBack(String table);

    /** A version per row ordered by id that changes when the row is rewritten (PostgreSQL: xmin), if the database has one. */
    protected Optional<List<String>> rowVersions(String table) {
        return Optional.empty();
    }

    /**
     * A row as the destination can hold it, for the expected side of comparisons (default: unchanged). A
     * destination with coarser types overrides it, e.g. MongoDB dates keep milliseconds, not microseconds.
     */
    protected Object[] asStored(Object[] row) {
        return row;
    }

    /**
     * A copy of {@code row} this destination must reject as a record error (default: a name longer than its
     * varchar(50)). A schemaless destination without length limits gives another value it cannot store.
     */
    protected Object[] recordErrorRow(Object[] row) {
        return TestRows.changed(row, "x".repeat(60));
    }

    protected List<List<Object>> expected(List<Object[]> rows) {
        List<Object[]> stored = new ArrayList<>(rows.size());
        for (Object[] r : rows) stored.add(asStored(r));
        return TestRows.normalize(stored);
    }

    protected Destination openDestination(String table) {
        List<String> problems = new ArrayList<>();
        factory().validate(config(table), problems);
        assertThat(problems).isEmpty();
        return factory().open(config(table));
    }

    protected DestinationWriter writer(Destination d, String table, WriteMode mode, boolean fresh) {
        return d.open(TestRows.SCHEMA, new WriteSpec(qualified(table), List.of("id"), mode, "contract", fresh));
    }

    private static long seq;

    protected static Batch batch(List<Object[]> rows) {
        return new Batch(seq++, TestRows.SCHEMA, rows, "p" + seq, 0);
    }

    private static List<Object[]> sortedById(List<Object[]> rows) {
        List<Object[]> s = new ArrayList<>(rows);
        s.sort(Comparator.comparingLong(r -> (Long) r[TestRows.ID]));
        return s;
    }

    @Test
    void createsTheTableInsertsThenCountsAnIdenticalRewriteAsUnchangedWithoutRewriting() {
        String t = "d_upsert";
        drop(t);
        List<Object[]> rows = TestRows.rows(11, 50, 1);
        try (Destination d = openDestination(t); DestinationWriter w = writer(d, t, WriteMode.UPSERT, true)) {
            assertThat(w.write(batch(rows))).isEqualTo(new WriteResult(50, 0, 0));
            assertThat(TestRows.normalize(readBack(t))).isEqualTo(expected(rows));
            Optional<List<String>> before = rowVersions(t);
            assertThat(w.write(batch(rows))).isEqualTo(new WriteResult(0, 0, 50));
            assertThat(rowVersions(t)).isEqualTo(before);
            assertThat(TestRows.normalize(readBack(t))).isEqualTo(expected(rows));
        }
    }

    @Test
    void countsUpdatedInsertedAndUnchangedExactly() {
        String t = "d_update";
        drop(t);
        List<Object[]> rows = TestRows.rows(12, 30, 1);
        try (Destination d = openDestination(t); DestinationWriter w = writer(d, t, WriteMode.UPSERT, true)) {
            w.write(batch(rows));
            List<Object[]> next = new ArrayList<>(rows);
            for (int i = 0; i < 10; i++) next.set(i * 3, TestRows.changed(rows.get(i * 3), "changed " + i));
            next.addAll(TestRows.rows(13, 5, 10_000));
            assertThat(w.write(batch(next))).isEqualTo(new WriteResult(5, 10, 20));
            assertThat(TestRows.normalize(readBack(t))).isEqualTo(expected(next));
            // redoing the same batch (after a crash) changes nothing
            assertThat(w.write(batch(next))).isEqualTo(new WriteResult(0, 0, 35));
            assertThat(TestRows.normalize(readBack(t))).isEqualTo(expected(next));
        }
    }

    @Test
    void roundTripsNullsAndEveryTypeAcrossSeeds() {
        for (long seed : new long[]{21, 22, 23, 24}) {
            String t = "d_types";
            drop(t);
            List<Object[]> rows = TestRows.rows(seed, 80, 1);
            Object[] allNull = {999_999L, null, null, null, null, null, null};
            Object[] empty = {1_000_000L, "", java.math.BigDecimal.ZERO, null, false, "", new byte[0]};
            rows.add(allNull);
            rows.add(empty);
            try (Destination d = openDestination(t); DestinationWriter w = writer(d, t, WriteMode.UPSERT, true)) {
                assertThat(w.write(batch(rows)).inserted()).isEqualTo(rows.size());
                assertThat(TestRows.normalize(readBack(t))).as("seed " + seed).isEqualTo(expected(rows));
                // a second writer on a non-empty table (the merge path) agrees on equality for every type
                try (DestinationWriter again = writer(d, t, WriteMode.UPSERT, false)) {
                    assertThat(again.write(batch(rows))).isEqualTo(new WriteResult(0, 0, rows.size()));
                }
            }
        }
    }

    @Test
    void keepsTheLastOccurrenceOfAKeyRepeatedInOneBatch() {
        String t = "d_dupes";
        drop(t);
        List<Object[]> rows = TestRows.rows(31, 5, 1);
        List<Object[]> batch = new ArrayList<>(rows);
        batch.add(TestRows.changed(rows.get(2), "second"));
        try (Destination d = openDestination(t); DestinationWriter w = writer(d, t, WriteMode.UPSERT, true)) {
            WriteResult r = w.write(batch(batch));
            assertThat(r.inserted()).isEqualTo(5);
            assertThat(r.total()).isEqualTo(6);
            List<Object[]> expected = new ArrayList<>(rows);
            expected.set(2, batch.getLast());
            assertThat(TestRows.normalize(readBack(t))).isEqualTo(expected(expected));
            // and on the merge path too
            batch.add(TestRows.changed(rows.get(2), "third"));
            r = w.write(batch(batch));
            assertThat(r.total()).isEqualTo(7);
            assertThat(readBack(t).get(2)[TestRows.NAME]).isEqualTo("third");
        }
    }

    @Test
    void appendsEveryRow() {
        String t = "d_append";
        drop(t);
        List<Object[]> rows = TestRows.rows(41, 10, 1);
        try (Destination d = openDestination(t); DestinationWriter w = writer(d, t, WriteMode.APPEND, true)) {
            assertThat(w.write(batch(rows))).isEqualTo(new WriteResult(10, 0, 0));
            assertThat(w.write(batch(rows))).isEqualTo(new WriteResult(10, 0, 0));
        }
        assertThat(readBack(t)).hasSize(20);
    }

    @Test
    void replaceLoadsANewCopyAndSwapsItInAtTheEnd() {
        String t = "d_replace";
        drop(t);
        drop(t + "__ferry_new");
        List<Object[]> old = TestRows.rows(51, 20, 1);
        try (Destination d = openDestination(t)) {
            try (DestinationWriter w = writer(d, t, WriteMode.UPSERT, true)) {
                w.write(batch(old));
            }
            for (long seed : new long[]{52, 53}) {
                List<Object[]> fresh = TestRows.rows(seed, 7, 500);
                try (DestinationWriter w = writer(d, t, WriteMode.REPLACE, true)) {
                    w.write(batch(fresh.subList(0, 4)));
                    assertThat(readBack(t)).as("the old table stays until complete()").hasSize(seed == 52 ? 20 : 7);
                    w.write(batch(fresh.subList(0, 4))); // a redone batch is harmless
                    // a resumed run keeps loading the same new table
                    try (DestinationWriter resumed = writer(d, t, WriteMode.REPLACE, false)) {
                        resumed.write(batch(fresh.subList(4, 7)));
                        resumed.complete();
                    }
                }
                assertThat(TestRows.normalize(readBack(t))).isEqualTo(expected(sortedById(fresh)));
            }
        }
    }

    @Test
    void aConstraintViolatingRowIsARecordErrorAndTheWriterGoesOn() {
        String t = "d_bad";
        drop(t);
        List<Object[]> rows = TestRows.rows(61, 10, 1);
        List<Object[]> bad = new ArrayList<>(rows);
        bad.set(3, recordErrorRow(rows.get(3))); // name is varchar(50)
        try (Destination d = openDestination(t); DestinationWriter w = writer(d, t, WriteMode.UPSERT, true)) {
            Throwable error = catchThrowable(() -> w.write(batch(bad)));
            assertThat(error).isNotNull();
            assertThat(ErrorClassifier.classify(error)).as(String.valueOf(error)).isEqualTo(ErrorKind.RECORD);
            assertThat(readBack(t)).isEmpty();
            assertThat(w.write(batch(rows))).isEqualTo(new WriteResult(10, 0, 0));
            assertThat(TestRows.normalize(readBack(t))).isEqualTo(expected(rows));
        }
    }
}
