package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Destination;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.TestRows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LOAD DATA LOCAL INFILE for fresh loads: exact values, and a refused row falls back to the exact upsert path. */
class MariaDbLoadDataIT {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.MARIA_URL, "root", "it_jdbc_maria_ld").reset();
    }

    private static RowWriter writer(Destination d, String table, boolean fresh, boolean ascending) {
        return (RowWriter) d.open(TestRows.SCHEMA, new WriteSpec(db.table(table), List.of("id"), WriteMode.UPSERT, "it", fresh, ascending));
    }

    private static void assertSame(List<Object[]> actual, List<Object[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            for (int c = 0; c < expected.get(i).length; c++) {
                Object a = actual.get(i)[c], e = expected.get(i)[c];
                assertThat(Values.same(a, e)).as("row " + i + " col " + c + ": " + e + " vs " + a).isTrue();
            }
        }
    }

    @Test
    void freshLoadUsesLoadDataAndKeepsTrickyStringsNullsBytesDecimalsAndTimestampsExact() {
        for (long seed = 1; seed <= 5; seed++) {
            String t = "ld" + seed;
            db.drop(t);
            List<Object[]> rows = new ArrayList<>(TestRows.rows(seed, 600, 1));
            // NUL, lone "\N", a trailing backslash and 4-byte characters
            rows.get(0)[TestRows.NAME] = "a\0b\\";
            rows.get(1)[TestRows.NAME] = "\\N";
            rows.get(2)[TestRows.NOTE] = "😀\t\r\n\\\\N";
            rows.get(3)[TestRows.DATA] = new byte[]{0, '\t', '\n', '\\', 'N', (byte) 0xff};
            try (Destination d = new JdbcDestinationFactory().open(db.config("destination", t)); RowWriter w = writer(d, t, true, true)) {
                assertThat(w.direct()).isTrue();
                WriteResult total = WriteResult.NONE;
                for (int from = 0; from < rows.size(); from += 200) {
                    total = total.plus(w.write(new Batch(from, TestRows.SCHEMA, rows.subList(from, from + 200), "p", 0)));
                }
                assertThat(total).isEqualTo(new WriteResult(600, 0, 0));
                assertThat(w.loadedBatches).isEqualTo(3);
                assertThat(w.upsertedBatches).isZero();
            }
            assertSame(db.readBack(t), rows);
        }
    }

    @Test
    void aRefusedValueRollsBackTheLoadAndTheUpsertPathNamesIt() {
        String t = "ld_bad";
        db.drop(t);
        List<Object[]> rows = TestRows.rows(8, 300, 1);
        try (Destination d = new JdbcDestinationFactory().open(db.config("destination", t)); RowWriter w = writer(d, t, true, true)) {
            w.write(new Batch(0, TestRows.SCHEMA, rows.subList(0, 100), "p", 0));
            List<Object[]> bad = new ArrayList<>(rows.subList(100, 200));
            Object[] tooLong = bad.get(50).clone();
            tooLong[TestRows.NAME] = "x".repeat(60); // varchar(50)
            bad.set(50, tooLong);
            assertThatThrownBy(() -> w.write(new Batch(1, TestRows.SCHEMA, bad, "p", 0))).isInstanceOf(SyncException.class);
            assertThat(w.direct()).isFalse();
            // nothing of the refused batch landed; later batches upsert exactly
            assertThat(db.readBack(t)).hasSize(100);
            assertThat(w.write(new Batch(2, TestRows.SCHEMA, rows.subList(100, 300), "p", 0))).isEqualTo(new WriteResult(200, 0, 0));
            assertThat(w.loadedBatches).isEqualTo(1);
        }
        assertSame(db.readBack(t), rows);
    }

    @Test
    void loadDataOnlyWhenFreshEmptyAndPromised() {
        String t = "ld_gate";
        db.drop(t);
        List<Object[]> rows = TestRows.rows(9, 100, 1);
        try (Destination d = new JdbcDestinationFactory().open(db.config("destination", t))) {
            try (RowWriter w = writer(d, t, true, false)) {
                assertThat(w.direct()).isFalse();
                w.write(new Batch(0, TestRows.SCHEMA, rows.subList(0, 50), "p", 0));
                assertThat(w.loadedBatches).isZero();
            }
            try (RowWriter w = writer(d, t, true, true)) {
                assertThat(w.direct()).isFalse(); // not empty
            }
            db.drop(t);
            try (RowWriter w = writer(d, t, false, true)) {
                assertThat(w.direct()).isFalse(); // a resume
            }
            db.drop(t);
            try (RowWriter w = writer(d, t, true, true)) {
                assertThat(w.direct()).isTrue();
                // keys that repeat an earlier batch (not as promised): LOAD DATA skips them, so it rolls back and upserts
                assertThat(w.write(new Batch(0, TestRows.SCHEMA, rows.subList(0, 60), "p", 0))).isEqualTo(new WriteResult(60, 0, 0));
                assertThat(w.write(new Batch(1, TestRows.SCHEMA, rows.subList(40, 100), "p", 0))).isEqualTo(new WriteResult(40, 0, 20));
                assertThat(w.direct()).isFalse();
            }
        }
        assertSame(db.readBack(t), rows);
    }
}
