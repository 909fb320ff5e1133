package dev.ferry.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferry bench} on a small table, as a subprocess: every step runs and Ferry's counters are the right ones.
 * No timing assertions: the figures are the benchmark's business, not the test's.
 */
class BenchSmokeIT {
    static final String PREFIX = "benchit"; // its own schemas: never the bench_* tables of a real benchmark
    static final int ROWS = 10_000;

    @TempDir Path dir;

    @BeforeAll
    @AfterAll
    static void dropEverything() throws Exception {
        try (Db pg = Db.postgres()) {
            for (String schema : new String[]{PREFIX + "_src", PREFIX + "_dst", PREFIX + "_raw"}) {
                pg.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
        try (Db maria = Db.mariadb()) {
            maria.exec("DROP DATABASE IF EXISTS " + PREFIX + "_dst");
        }
    }

    @Test
    void everyStepRunsWithTheRightCounters() throws Exception {
        Path json = dir.resolve("bench.json");
        FerryProcess.Result r = FerryProcess.run(dir, "bench", "--rows", String.valueOf(ROWS), "--repeat", "1", "--big-factor", "2",
                "--schema-prefix", PREFIX, "--drop-big", "--json", json.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("psql COPY | psql COPY", "Ferry full load PG→PG", "TARGET").doesNotContain("FAILED");

        JsonNode report = JsonMapper.builder().build().readTree(Files.readString(json));
        assertThat(report.get("allStepsOk").asBoolean()).isTrue();
        Map<String, JsonNode> steps = new HashMap<>();
        report.get("steps").forEach(s -> steps.put(s.get("id").asString(), s));
        assertThat(steps).containsOnlyKeys("baseline", "full_load", "unchanged_rerun", "incremental", "mariadb_full_load", "big_full_load",
                "preview", "preview_run", "bidirectional");
        steps.values().forEach(s -> {
            assertThat(s.get("outcome").asString()).as(s.get("id").asString() + ": " + s.get("problem")).isEqualTo("ok");
            assertThat(s.get("repetitions")).hasSize(1);
            assertThat(s.get("medianWallSeconds").asDouble()).isPositive();
        });

        // the preview predicts the run that follows it; the bidirectional step's counts are checked by the bench itself
        assertThat(steps.get("preview").get("counters").get("updated").asLong())
                .isEqualTo(steps.get("preview_run").get("counters").get("updated").asLong()).isPositive();
        assertThat(steps.get("bidirectional").get("counters").get("conflicts").asLong()).isPositive();
        assertCounters(steps.get("full_load"), ROWS, 0, 0);
        assertThat(steps.get("full_load").get("peakHeapBytes").asLong()).isPositive();
        assertCounters(steps.get("unchanged_rerun"), 0, 0, ROWS);
        JsonNode rerun = steps.get("unchanged_rerun").get("repetitions").get(0);
        assertThat(rerun.get("nTupUpdDelta").asLong()).isZero();
        assertThat(rerun.get("nTupInsDelta").asLong()).isZero();
        assertCounters(steps.get("incremental"), 0, ROWS / 10, 0);
        assertCounters(steps.get("mariadb_full_load"), ROWS, 0, 0);
        assertCounters(steps.get("big_full_load"), 2 * ROWS, 0, 0);
        assertThat(steps.get("big_full_load").get("peakHeapRatio").asDouble()).isPositive();
        assertThat(steps.get("baseline").get("ratioToBaseline").asDouble()).isEqualTo(1.0);

        try (Db pg = Db.postgres()) {
            // the source is back as it was after the incremental step, and the big tables are gone
            assertThat(pg.queryLong("SELECT count(*) FROM " + PREFIX + "_src.taskdetail WHERE status = 'U'")).isZero();
            assertThat(pg.queryLong("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'taskdetail_big' AND schemaname LIKE '" + PREFIX + "%'")).isZero();
        }
    }

    static void assertCounters(JsonNode step, long inserted, long updated, long unchanged) {
        JsonNode c = step.get("counters");
        assertThat(c.get("inserted").asLong()).as(step.get("id") + " inserted").isEqualTo(inserted);
        assertThat(c.get("updated").asLong()).as(step.get("id") + " updated").isEqualTo(updated);
        assertThat(c.get("unchanged").asLong()).as(step.get("id") + " unchanged").isEqualTo(unchanged);
        assertThat(c.get("failed").asLong()).isZero();
    }
}
