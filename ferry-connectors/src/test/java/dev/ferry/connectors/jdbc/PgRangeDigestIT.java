package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.KeyRange;
import dev.ferry.spi.RangeDigest;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.testkit.TaskDetailTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The digests the COPY reader puts on its batches equal the ones the server computes for the same key ranges,
 * a change anywhere shows in exactly its range, and a read of chosen ranges returns just their rows.
 */
class PgRangeDigestIT {
    static final Db DB = new Db(Db.PG_URL, "postgres", "it_jdbc_pg_ranges");
    static final int ROWS = 20_000, BATCH = 1_000;

    @BeforeAll
    static void table() {
        DB.reset();
        DB.execute(TaskDetailTable.postgres("it_jdbc_pg_ranges", "td", ROWS));
    }

    static Source open() {
        ConnectorConfig base = DB.config("source", "td");
        Map<String, Object> v = new LinkedHashMap<>(base.values());
        v.put("key", List.of("taskdetailkey"));
        return new JdbcSourceFactory().open(new ConnectorConfig("source", v));
    }

    static ReadSpec spec() {
        return new ReadSpec(List.of("taskdetailkey"), Optional.empty(), Optional.empty(), Optional.empty(), BATCH);
    }

    static List<Batch> read(Source source, ReadSpec spec) {
        List<Batch> out = new ArrayList<>();
        try (SourceReader r = source.open(spec, Optional.empty())) {
            for (Optional<Batch> b = r.next(); b.isPresent(); b = r.next()) out.add(b.get());
        }
        return out;
    }

    @Test
    void batchDigestsEqualTheServersRangeDigestsAndChangesShowInTheirRangeOnly() {
        try (Source source = open()) {
            List<Batch> batches = read(source, spec());
            assertThat(batches).hasSize(ROWS / BATCH);
            assertThat(batches.get(0).digest().orElseThrow().firstKey()).isEmpty();
            List<String> thresholds = batches.stream().skip(1).map(b -> b.digest().orElseThrow().firstKey().orElseThrow()).toList();
            List<RangeDigest> server = source.digestRanges(spec(), thresholds).orElseThrow();
            assertThat(server).hasSize(batches.size());
            for (int i = 0; i < batches.size(); i++) {
                assertThat(server.get(i).sameContent(batches.get(i).digest().orElseThrow())).as("range %d", i).isTrue();
            }

            DB.execute("UPDATE it_jdbc_pg_ranges.td SET status = 'Z' WHERE taskdetailkey = '0000005500'");  // range 5
            DB.execute("CREATE TABLE it_jdbc_pg_ranges.kept AS SELECT * FROM it_jdbc_pg_ranges.td WHERE taskdetailkey = '0000012345'");
            DB.execute("DELETE FROM it_jdbc_pg_ranges.td WHERE taskdetailkey = '0000012345'");                 // range 12
            List<RangeDigest> after = source.digestRanges(spec(), thresholds).orElseThrow();
            List<Integer> changed = new ArrayList<>();
            for (int i = 0; i < after.size(); i++) if (!after.get(i).sameContent(server.get(i))) changed.add(i);
            assertThat(changed).containsExactly(5, 12);
            assertThat(after.get(12).rows()).isEqualTo(BATCH - 1);

            // reading just those ranges returns their rows; each range's first batch vouches from the range's start
            KeyRange range5 = new KeyRange(Optional.of(thresholds.get(4)), Optional.of(thresholds.get(5)));
            KeyRange range12 = new KeyRange(Optional.of(thresholds.get(11)), Optional.of(thresholds.get(12)));
            List<Batch> again = read(source, spec().withRanges(List.of(range5, range12)));
            assertThat(again).hasSize(2);
            assertThat(again.get(0).size()).isEqualTo(BATCH);
            assertThat(again.get(1).size()).isEqualTo(BATCH - 1);
            assertThat(again.get(0).digest().orElseThrow().firstKey()).contains(thresholds.get(4));
            assertThat(again.get(1).digest().orElseThrow().firstKey()).contains(thresholds.get(11));
            assertThat(again.get(0).digest().orElseThrow().hash()).isEqualTo(after.get(5).hash());
            assertThat(again.get(1).digest().orElseThrow().hash()).isEqualTo(after.get(12).hash());
        } finally {
            DB.execute("INSERT INTO it_jdbc_pg_ranges.td SELECT * FROM it_jdbc_pg_ranges.kept WHERE NOT EXISTS "
                    + "(SELECT 1 FROM it_jdbc_pg_ranges.td WHERE taskdetailkey = '0000012345')");
            DB.execute("DROP TABLE IF EXISTS it_jdbc_pg_ranges.kept");
        }
    }

    @Test
    void splitCutsTheKeysIntoContiguousRangesOfSimilarSizeThatTogetherReadEveryRowOnce() {
        try (Source source = open()) {
            List<KeyRange> ranges = source.split(spec(), 3);
            assertThat(ranges).hasSize(3);
            assertThat(ranges.get(0).from()).isEmpty();
            assertThat(ranges.get(2).to()).isEmpty();
            for (int i = 1; i < ranges.size(); i++) assertThat(ranges.get(i).from()).isEqualTo(ranges.get(i - 1).to());
            long total = 0;
            java.util.Set<String> keys = new java.util.HashSet<>();
            for (KeyRange r : ranges) {
                long rows = 0;
                for (Batch b : read(source, spec().withRanges(List.of(r)))) {
                    rows += b.size();
                    for (Object[] row : b.rows()) assertThat(keys.add((String) row[0])).isTrue();
                }
                // a sample of pages places the cuts: each part near a third, never empty
                assertThat(rows).as("rows in %s", r).isBetween((long) (ROWS / 3 * 0.6), (long) (ROWS / 3 * 1.4));
                total += rows;
            }
            assertThat(total).isEqualTo(read(source, spec()).stream().mapToLong(Batch::size).sum());
            // too few rows for the parts to pay (four batches a part): no split
            ReadSpec bigBatches = new ReadSpec(List.of("taskdetailkey"), Optional.empty(), Optional.empty(), Optional.empty(), ROWS / 4);
            assertThat(source.split(bigBatches, 2)).isEmpty();
        }
    }

    /**
     * A table's digests hash key and row version (xmin); a query's hash the whole row's text. Both equal the server's
     * for awkward keys (COPY escapes), and an UPDATE that writes the same values still shows (a new row version).
     */
    @ParameterizedTest(name = "from a {0}")
    @ValueSource(strings = {"table", "query"})
    void digestsOfAwkwardKeysEqualTheServersForTablesAndQueries(String kind) {
        DB.execute("DROP TABLE IF EXISTS it_jdbc_pg_ranges.awk");
        DB.execute("CREATE TABLE it_jdbc_pg_ranges.awk (k text PRIMARY KEY, v text)");
        StringBuilder values = new StringBuilder();
        String[] nasty = {"tab\there", "back\\\\slash", "new\nline", "comma,x", "quote\"q", "sp ace", "ünï", "(p)"};
        for (int i = 0; i < 400; i++) {
            if (i > 0) values.append(", ");
            values.append("(E'").append(nasty[i % nasty.length].replace("'", "''")).append(i).append("', 'v").append(i).append("')");
        }
        DB.execute("INSERT INTO it_jdbc_pg_ranges.awk VALUES " + values);
        Map<String, Object> v = new LinkedHashMap<>(DB.config("source", "awk").values());
        if (kind.equals("query")) {
            v.remove("table");
            v.put("query", "SELECT k, v FROM it_jdbc_pg_ranges.awk");
        }
        v.put("key", List.of("k"));
        ReadSpec spec = new ReadSpec(List.of("k"), Optional.empty(), Optional.empty(), Optional.empty(), 50);
        try (Source source = new JdbcSourceFactory().open(new ConnectorConfig("source", v))) {
            List<Batch> batches = read(source, spec);
            List<String> thresholds = batches.stream().skip(1).map(b -> b.digest().orElseThrow().firstKey().orElseThrow()).toList();
            List<RangeDigest> server = source.digestRanges(spec, thresholds).orElseThrow();
            for (int i = 0; i < batches.size(); i++) {
                assertThat(server.get(i).sameContent(batches.get(i).digest().orElseThrow())).as("%s range %d", kind, i).isTrue();
            }
            DB.execute("UPDATE it_jdbc_pg_ranges.awk SET v = v WHERE k = E'tab\\there0'");
            List<RangeDigest> after = source.digestRanges(spec, thresholds).orElseThrow();
            long changed = 0;
            for (int i = 0; i < after.size(); i++) if (!after.get(i).sameContent(server.get(i))) changed++;
            // a same-values update is a new row version for a table; a query's row text did not change
            assertThat(changed).isEqualTo(kind.equals("table") ? 1 : 0);
        }
    }
}
