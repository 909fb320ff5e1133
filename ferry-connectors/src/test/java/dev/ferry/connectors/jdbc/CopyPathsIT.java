package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.TestRows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** COPY reading and pass-through: exact values, bisection, resume after a killed stream, when direct COPY is used. */
class CopyPathsIT {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.PG_URL, "postgres", "it_jdbc_pg_copy").reset();
    }

    private static final String DDL = "id bigint primary key, name varchar(50), amount numeric(12,3), created timestamptz,"
            + " flag boolean, note text, data bytea";

    private static JdbcSource source(String table, String appName) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", "postgres");
        v.put("url", Db.PG_URL + (appName == null ? "" : "?ApplicationName=" + appName));
        v.put("user", "postgres");
        v.put("table", db.table(table));
        v.put("key", List.of(table.equals("types") ? "k" : "id"));
        return (JdbcSource) new JdbcSourceFactory().open(new ConnectorConfig("source", v));
    }

    private static List<Batch> readAll(SourceReader r) {
        List<Batch> out = new ArrayList<>();
        for (Optional<Batch> b = r.next(); b.isPresent(); b = r.next()) out.add(b.get());
        return out;
    }

    private static List<Object[]> rows(List<Batch> batches) {
        List<Object[]> out = new ArrayList<>();
        for (Batch b : batches) out.addAll(b.rows());
        return out;
    }

    /** Same Java class and same value (bytes by content); stricter than Values.same. */
    static void assertExactlyEqual(List<Object[]> actual, List<Object[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Object[] a = actual.get(i), e = expected.get(i);
            assertThat(a.length).isEqualTo(e.length);
            for (int c = 0; c < e.length; c++) {
                String where = "row " + i + " column " + c + ": " + e[c] + " vs " + a[c];
                if (e[c] == null) {
                    assertThat(a[c]).as(where).isNull();
                } else {
                    assertThat(a[c]).as(where).isNotNull();
                    assertThat(a[c].getClass()).as(where).isEqualTo(e[c].getClass());
                    assertThat(Arrays.deepEquals(new Object[]{a[c]}, new Object[]{e[c]})).as(where).isTrue();
                }
            }
        }
    }

    @Test
    void copyTextDecodesToExactlyWhatTheRowReaderReadsOverSeveralSeeds() {
        for (long seed = 1; seed <= 5; seed++) {
            String t = "decode" + seed;
            db.createTestTable(t, TestRows.rows(seed, 400, 1), DDL);
            try (JdbcSource s = source(t, null)) {
                assertThat(s.copyReadable()).isTrue();
                ReadSpec spec = new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), 37);
                List<Batch> viaCopy, viaRows;
                try (SourceReader r = new PgCopyReader(s, spec, Optional.empty())) {
                    viaCopy = readAll(r);
                }
                try (SourceReader r = new JdbcSourceReader(s, spec, Optional.empty())) {
                    viaRows = readAll(r);
                }
                assertThat(viaCopy).allMatch(b -> b.rows() instanceof CopyTextRows);
                assertExactlyEqual(rows(viaCopy), rows(viaRows));
                assertThat(viaCopy.stream().map(Batch::position).toList()).isEqualTo(viaRows.stream().map(Batch::position).toList());
                // and the rows are the ones written (values as the database keeps them)
                List<Object[]> expected = TestRows.rows(seed, 400, 1);
                List<Object[]> got = rows(viaCopy);
                for (int i = 0; i < expected.size(); i++) {
                    for (int c = 0; c < expected.get(i).length; c++) {
                        assertThat(Values.same(got.get(i)[c], expected.get(i)[c])).as("seed " + seed + " row " + i + " col " + c).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void moreTypesAndEdgeValuesDecodeLikeTheRowReader() {
        String t = db.dialect().qualifiedTable(db.table("types"), "t");
        db.execute("DROP TABLE IF EXISTS " + t);
        db.execute("CREATE TABLE " + t + " (k varchar(10) primary key, s smallint, i integer, r real, d double precision,"
                + " n numeric, dt date, tm time, ts timestamp, tz timestamptz, u uuid, j jsonb, c char(5), b bool, x bytea)");
        db.execute("INSERT INTO " + t + " VALUES"
                + " ('a', -32768, -2147483648, 1.17549435e-38, 2.2250738585072014e-308, -0.000000000000000000001, '0001-01-01', '00:00:00', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '00000000-0000-0000-0000-000000000000', '{\"a\": \"t\\tb\\\\n\"}', 'ab', true, '\\x00ff5c0a09')"
                + ",('b', 32767, 2147483647, 'NaN', '-Infinity', 123456789012345678901234567890.123456789, '9999-12-31', '23:59:59.999999', '2024-02-29 12:34:56.789012', '2024-02-29 12:34:56.789012-07:30', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '[1, 2.50, null]', 'abcde', false, '\\x')"
                + ",('c', null, null, null, null, null, null, null, null, null, null, null, null, null, null)"
                + ",('d', 0, 0, 3.4028235e38, 0.1, 0, '2000-01-01', '12:00:00.5', '2000-01-01 00:00:00.000001', '1999-12-31 23:59:59.999999+14', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '\"日本 😀\"', '', true, '\\x5c4e')"
                + ",('e\\t\\\\N', 1, 1, 'Infinity', 'NaN', 'NaN', '0044-03-15 BC', '24:00:00', 'infinity', '2020-06-01 00:00:00+00', null, '{}', null, null, null)");
        // NaN numeric cannot be read by the row reader (BigDecimal); compare it separately
        db.execute("UPDATE " + t + " SET n = 1 WHERE k = 'e\\t\\\\N'");
        try (JdbcSource s = source("types", null)) {
            assertThat(s.copyReadable()).isTrue();
            ReadSpec spec = new ReadSpec(List.of("k"), Optional.empty(), Optional.empty(), Optional.empty(), 2);
            List<Batch> viaCopy, viaRows;
            try (SourceReader r = new PgCopyReader(s, spec, Optional.empty())) {
                viaCopy = readAll(r);
            }
            try (SourceReader r = new JdbcSourceReader(s, spec, Optional.empty())) {
                viaRows = readAll(r);
            }
            assertExactlyEqual(rows(viaCopy), rows(viaRows));
            assertThat(viaCopy.stream().map(Batch::position).toList()).isEqualTo(viaRows.stream().map(Batch::position).toList());
        }
    }

    @Test
    void subListsAreCopyTextOverTheByteRangeAndBisectDownToSingleRows() {
        db.createTestTable("bisect", TestRows.rows(7, 101, 1), DDL);
        try (JdbcSource s = source("bisect", null);
             SourceReader r = s.open(new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), 1000), Optional.empty())) {
            CopyTextRows all = (CopyTextRows) r.next().orElseThrow().rows();
            assertThat(all).hasSize(101);
            List<Object[]> decoded = new ArrayList<>(all);
            CopyTextRows half = all.subList(50, 101);
            CopyTextRows quarter = half.subList(10, 30);
            assertExactlyEqual(quarter, decoded.subList(60, 80));
            assertThat(quarter.offset()).isGreaterThan(all.offset());
            // the byte range of a sub-list is exactly its rows' lines
            String text = new String(quarter.copyText(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text.split("\n", -1)).hasSize(21);
            for (int i = 0; i < 101; i++) {
                CopyTextRows one = all.subList(i, i + 1);
                assertExactlyEqual(one, List.<Object[]>of(decoded.get(i)));
                assertThat(one.copyText()[one.length() - 1]).isEqualTo((byte) '\n');
            }
            assertThat(all.subList(5, 5)).isEmpty();
            assertThatThrownBy(() -> all.subList(5, 102)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void resumesAfterTheSourceConnectionIsKilledMidStream() throws Exception {
        List<Object[]> rows = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(3);
        for (long id = 1; id <= 30_000; id++) {
            Object[] row = TestRows.row(rnd, id);
            row[TestRows.NOTE] = "x".repeat(300) + id; // big enough that the stream is still open when killed
            rows.add(row);
        }
        db.createTestTable("resume", rows, DDL);
        String app = "ferry_it_copy_" + ProcessHandle.current().pid();
        List<Object[]> got = new ArrayList<>();
        int failures = 0;
        try (JdbcSource s = source("resume", app);
             SourceReader r = s.open(new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), 500), Optional.empty())) {
            int batches = 0;
            while (true) {
                Optional<Batch> b;
                try {
                    b = r.next();
                } catch (SyncException e) {
                    failures++;
                    assertThat(failures).isLessThan(5);
                    assertThat(Jdbc.isConnectionError((java.sql.SQLException) e.getCause())).isTrue();
                    continue; // as the engine's retry does
                }
                if (b.isEmpty()) break;
                got.addAll(b.get().rows());
                if (++batches == 3) {
                    try (Connection c = db.connect(); Statement st = c.createStatement()) {
                        st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + app + "'");
                    }
                }
            }
        }
        assertThat(failures).isEqualTo(1);
        assertThat(got).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) assertThat(got.get(i)[0]).isEqualTo(rows.get(i)[0]);
        assertThat(got.get(29_999)[TestRows.NOTE]).isEqualTo(rows.get(29_999)[TestRows.NOTE]);
    }

    @Test
    void resumesAfterAPositionAndHonoursTheCursorWithoutSqlTextValues() {
        List<Object[]> rows = TestRows.rows(9, 200, 1);
        db.createTestTable("cursor", rows, DDL);
        try (JdbcSource s = source("cursor", null)) {
            Object[] mid = rows.get(99);
            String position = Values.encodeKey(new Object[]{mid[0]});
            ReadSpec spec = new ReadSpec(List.of("id"), Optional.of("created"),
                    Optional.of(Values.format(rows.get(10)[TestRows.CREATED] == null ? rows.get(11)[TestRows.CREATED] : rows.get(10)[TestRows.CREATED])),
                    Optional.empty(), 30);
            List<Object[]> viaCopy, viaRows;
            try (SourceReader r = new PgCopyReader(s, spec, Optional.of(position))) {
                viaCopy = rows(readAll(r));
            }
            try (SourceReader r = new JdbcSourceReader(s, spec, Optional.of(position))) {
                viaRows = rows(readAll(r));
            }
            assertThat(viaCopy).isNotEmpty();
            assertExactlyEqual(viaCopy, viaRows);
            assertThat((Long) viaCopy.get(0)[0]).isGreaterThan((Long) mid[0]);
        }
    }

    // ---- the PostgreSQL writer: pass-through and when the direct COPY is used ----

    private static PostgresWriter pgWriter(Destination d, String table, boolean fresh, boolean ascending) {
        return (PostgresWriter) d.open(TestRows.SCHEMA, new WriteSpec(db.table(table), List.of("id"), WriteMode.UPSERT, "it", fresh, ascending));
    }

    private static Destination destination(String table) {
        return new JdbcDestinationFactory().open(db.config("destination", table));
    }

    private static List<Batch> copyBatches(String sourceTable, int batchSize) {
        try (JdbcSource s = source(sourceTable, null);
             SourceReader r = s.open(new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), batchSize), Optional.empty())) {
            return readAll(r);
        }
    }

    @Test
    void freshLoadWithAscendingKeysCopiesDirectlyAndPassesTheTextThrough() {
        List<Object[]> rows = TestRows.rows(21, 300, 1);
        db.createTestTable("src_direct", rows, DDL);
        List<Batch> batches = copyBatches("src_direct", 100);
        db.drop("dst_direct");
        try (Destination d = destination("dst_direct"); PostgresWriter w = pgWriter(d, "dst_direct", true, true)) {
            WriteResult total = WriteResult.NONE;
            for (Batch b : batches) total = total.plus(w.write(b));
            assertThat(total).isEqualTo(new WriteResult(300, 0, 0));
            assertThat(w.directBatches).isEqualTo(3);
            assertThat(w.mergedBatches).isZero();
            assertThat(w.passThroughBatches).isEqualTo(3);
        }
        assertExactlyEqual(db.readBack("dst_direct"), db.readBack("src_direct"));
        // an unchanged re-run merges (not fresh) and rewrites nothing
        List<String> before = db.xmins("dst_direct").orElseThrow();
        try (Destination d = destination("dst_direct"); PostgresWriter w = pgWriter(d, "dst_direct", false, true)) {
            WriteResult total = WriteResult.NONE;
            for (Batch b : batches) total = total.plus(w.write(b));
            assertThat(total).isEqualTo(new WriteResult(0, 0, 300));
            assertThat(w.directBatches).isZero();
            assertThat(w.passThroughBatches).isEqualTo(3);
        }
        assertThat(db.xmins("dst_direct").orElseThrow()).isEqualTo(before);
    }

    @Test
    void directCopyOnlyWhenFreshEmptyAndPromised() {
        List<Object[]> rows = TestRows.rows(22, 100, 1);
        db.createTestTable("src_gate", rows, DDL);
        List<Batch> batches = copyBatches("src_gate", 50);
        // not promised (and the key is integral): the old check by max key written still copies directly
        db.drop("dst_gate");
        try (Destination d = destination("dst_gate"); PostgresWriter w = pgWriter(d, "dst_gate", true, false)) {
            for (Batch b : batches) w.write(b);
            assertThat(w.directBatches).isEqualTo(2);
        }
        // the table is not empty now: merge, even when fresh and promised
        try (Destination d = destination("dst_gate"); PostgresWriter w = pgWriter(d, "dst_gate", true, true)) {
            assertThat(w.direct()).isFalse();
            for (Batch b : batches) assertThat(w.write(b)).isEqualTo(new WriteResult(0, 0, 50));
            assertThat(w.directBatches).isZero();
        }
        // resumed (not fresh) into an empty table with a text key: merge
        db.drop("dst_gate");
        String t = db.dialect().qualifiedTable(db.table("dst_gate"), "t");
        try (Destination d = destination("dst_gate")) {
            PostgresWriter w = (PostgresWriter) d.open(TestRows.SCHEMA, new WriteSpec(db.table("dst_gate"), List.of("name", "id"), WriteMode.UPSERT, "it", false, true));
            try (w) {
                assertThat(w.direct()).isFalse();
            }
        }
        assertThat(t).isNotEmpty();
    }

    @Test
    void aBrokenPromiseFallsBackToTheMergeAndStaysExact() {
        List<Object[]> rows = TestRows.rows(23, 100, 1);
        db.createTestTable("src_lie", rows, DDL);
        List<Batch> batches = copyBatches("src_lie", 50);
        db.drop("dst_lie");
        try (Destination d = destination("dst_lie"); PostgresWriter w = pgWriter(d, "dst_lie", true, true)) {
            assertThat(w.write(batches.get(1))).isEqualTo(new WriteResult(50, 0, 0));
            assertThat(w.write(batches.get(0))).isEqualTo(new WriteResult(50, 0, 0));
            // the same rows again: the direct COPY hits the key, rolls back, merges
            assertThat(w.write(batches.get(1))).isEqualTo(new WriteResult(0, 0, 50));
            assertThat(w.direct()).isFalse();
            assertThat(w.write(batches.get(0))).isEqualTo(new WriteResult(0, 0, 50));
        }
        assertExactlyEqual(db.readBack("dst_lie"), db.readBack("src_lie"));
    }

    @Test
    void copyTextIsNotPassedThroughWhenTheColumnsDiffer() {
        List<Object[]> rows = TestRows.rows(24, 20, 1);
        db.createTestTable("src_cols", rows, DDL);
        CopyTextRows ct = (CopyTextRows) copyBatches("src_cols", 100).get(0).rows();
        // same values under a schema with other column types: decoded and re-encoded, not passed through
        var other = new dev.ferry.spi.Schema(TestRows.SCHEMA.columns().stream()
                .map(c -> c.name().equals("amount") ? new dev.ferry.spi.Column("amount", dev.ferry.spi.ColumnType.DECIMAL, 0, 20, 5, true) : c).toList());
        db.drop("dst_cols");
        try (Destination d = destination("dst_cols")) {
            PostgresWriter w = (PostgresWriter) d.open(other, new WriteSpec(db.table("dst_cols"), List.of("id"), WriteMode.UPSERT, "it", true, true));
            try (w) {
                w.write(new Batch(0, TestRows.SCHEMA, ct, "x", 0));
                assertThat(w.passThroughBatches).isZero();
            }
        }
        List<Object[]> back = db.readBack("dst_cols");
        assertThat(back).hasSize(20);
        for (int i = 0; i < 20; i++) {
            Object a = back.get(i)[TestRows.AMOUNT], e = rows.get(i)[TestRows.AMOUNT];
            assertThat(a == null ? e == null : ((BigDecimal) a).compareTo((BigDecimal) e) == 0).isTrue();
        }
    }
}
