package dev.ferry.cli;

import dev.ferry.testkit.TaskDetailTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's promises, end to end: the packaged CLI as a separate process, PostgreSQL → PostgreSQL.
 * Kill -9 at random instants and resume; poison rows to dead letters and replay; a dropped connection;
 * an unchanged re-run that rewrites nothing; an incremental run that reads only the changed rows.
 */
class PostgresPromisesIT {
    static final String SRC = "it_cli_src", DST = "it_cli_dst";
    static final int ROWS = 200_000, BATCH = 10_000;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static Db db;

    @TempDir Path dir;

    @BeforeAll
    static void createSource() throws Exception {
        db = Db.postgres();
        db.exec("DROP SCHEMA IF EXISTS " + SRC + " CASCADE");
        db.exec(TaskDetailTable.postgres(SRC, "taskdetail", ROWS));
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    @BeforeEach
    void freshDestination() throws Exception {
        db.exec("DROP SCHEMA IF EXISTS " + DST + " CASCADE");
        db.exec("CREATE SCHEMA " + DST);
    }

    Path syncFile(String name, String sourceTable, String extraSource) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, """
                name: %s
                source:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:5432/test
                  user: postgres
                  table: %s.%s
                  key: [taskdetailkey]
                %s
                destination:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:5432/test?ApplicationName=ferry_it_dest
                  user: postgres
                  table: %s.%s
                batch:
                  size: %d
                retry:
                  initialDelay: 200ms
                state: jdbc:h2:file:%s/state
                """.formatted(name, SRC, sourceTable, extraSource, DST, sourceTable, BATCH, dir));
        return f;
    }

    long differences(String table) throws Exception {
        return db.queryLong("SELECT count(*) FROM ((TABLE " + SRC + "." + table + " EXCEPT TABLE " + DST + "." + table
                + ") UNION ALL (TABLE " + DST + "." + table + " EXCEPT TABLE " + SRC + "." + table + ")) d");
    }

    static JsonNode json(FerryProcess.Result r) {
        return JSON.readTree(r.out());
    }

    @Test
    void killedAtRandomInstantsThenResumedEqualsSourceAndRedoesAtMostOneBatch() throws Exception {
        Random random = new Random(20261123);
        int interrupted = 0;
        long maxLanes = 0;
        for (int round = 0; round < 5; round++) {
            db.exec("DROP TABLE IF EXISTS " + DST + ".taskdetail");
            Path sync = syncFile("kill" + round, "taskdetail", "");
            Process p = FerryProcess.start(dir, java.util.Map.of(), "run", sync.toString(), "--no-progress");
            long deadline = System.currentTimeMillis() + 60_000;
            // killed once a random number of rows is in (one batch to 80 % of them): by rows, not by time, so a
            // faster machine still kills mid-run
            long target = BATCH + random.nextInt(ROWS * 4 / 5 - BATCH);
            while (db.countOrZero(DST + ".taskdetail") < target && p.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            boolean wasAlive = p.isAlive();
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long committed = db.countOrZero(DST + ".taskdetail");

            FerryProcess.Result resumed = FerryProcess.run(dir, "run", sync.toString(), "--json");
            assertThat(resumed.exit()).as(resumed.all()).isZero();
            JsonNode run = json(resumed);
            assertThat(run.get("status").asString()).isEqualTo("succeeded");
            assertThat(differences("taskdetail")).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM " + DST + ".taskdetail")).isEqualTo(ROWS);
            // the table is cut into two key ranges read and written side by side: each redoes at most its batch in flight
            long lanes = run.get("stats").path("lanes").asLong(1);
            maxLanes = Math.max(maxLanes, lanes);
            if (wasAlive && !run.get("resumedFrom").isNull()) {
                interrupted++;
                long readAgain = run.get("stats").get("readThisRun").asLong();
                long redone = committed + readAgain - ROWS;
                assertThat(redone).as("rows redone after a kill with %d committed", committed).isBetween(0L, lanes * BATCH);
                assertThat(run.get("counters").get("processed").asLong()).isEqualTo(ROWS);
            }
        }
        assertThat(interrupted).as("kills that landed mid-run").isGreaterThanOrEqualTo(3);
        assertThat(maxLanes).as("the passes ran in two lanes").isEqualTo(2);
    }

    @Test
    void poisonRowsGoToDeadLettersTheRestLandsAndReplayFinishesTheRun() throws Exception {
        db.exec("CREATE TABLE " + DST + ".taskdetail (LIKE " + SRC + ".taskdetail INCLUDING ALL)");
        db.exec("ALTER TABLE " + DST + ".taskdetail ADD CONSTRAINT qty_below_1428 CHECK (qty < 1428)");
        long poison = db.queryLong("SELECT count(*) FROM " + SRC + ".taskdetail WHERE qty >= 1428");
        assertThat(poison).isGreaterThan(10);
        Path sync = syncFile("poison", "taskdetail", "");

        FerryProcess.Result r = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isEqualTo(3);
        JsonNode run = json(r);
        assertThat(run.get("status").asString()).isEqualTo("partial");
        assertThat(run.get("counters").get("failed").asLong()).isEqualTo(poison);
        assertThat(run.get("counters").get("inserted").asLong()).isEqualTo(ROWS - poison);
        assertThat(db.queryLong("SELECT count(*) FROM " + DST + ".taskdetail")).isEqualTo(ROWS - poison);
        assertThat(db.queryLong("SELECT count(*) FROM (TABLE " + SRC + ".taskdetail EXCEPT TABLE " + DST + ".taskdetail) d WHERE qty < 1428")).isZero();
        String runId = run.get("runId").asString();

        db.exec("ALTER TABLE " + DST + ".taskdetail DROP CONSTRAINT qty_below_1428");
        FerryProcess.Result replay = FerryProcess.run(dir, "--state", "jdbc:h2:file:" + dir + "/state", "replay", runId, "--json");
        assertThat(replay.exit()).as(replay.all()).isZero();
        assertThat(json(replay).get("status").asString()).isEqualTo("succeeded");
        assertThat(json(replay).get("counters").get("failed").asLong()).isZero();
        FerryProcess.Result status = FerryProcess.run(dir, "--state", "jdbc:h2:file:" + dir + "/state", "status", runId, "--json");
        assertThat(json(status).get("status").asString()).isEqualTo("succeeded");
        assertThat(differences("taskdetail")).isZero();
    }

    @Test
    void droppedDestinationConnectionIsRetriedAndTheRunSucceeds() throws Exception {
        Path sync = syncFile("drop", "taskdetail", "");
        Process p = FerryProcess.start(dir, java.util.Map.of(), "run", sync.toString(), "--json");
        long deadline = System.currentTimeMillis() + 60_000;
        while (db.countOrZero(DST + ".taskdetail") == 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        long killed = db.queryLong("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE application_name = 'ferry_it_dest') t");
        assertThat(killed).as("destination connections terminated").isGreaterThanOrEqualTo(1);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(differences("taskdetail")).isZero();
    }

    @Test
    void unchangedReRunRewritesNothing() throws Exception {
        Path sync = syncFile("unchanged", "taskdetail", "");
        assertThat(FerryProcess.run(dir, "run", sync.toString(), "--json").exit()).isZero();
        List<Long> before = xminAndUpdates("taskdetail");

        FerryProcess.Result again = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(again.exit()).as(again.all()).isZero();
        JsonNode c = json(again).get("counters");
        assertThat(c.get("inserted").asLong()).isZero();
        assertThat(c.get("updated").asLong()).isZero();
        assertThat(c.get("unchanged").asLong()).isEqualTo(ROWS);
        assertThat(xminAndUpdates("taskdetail")).isEqualTo(before);
        // range digests: the unchanged rows were not even read
        assertThat(json(again).get("stats").get("rangesChanged").asInt()).isZero();
        assertThat(json(again).get("stats").get("readThisRun").asLong()).isZero();
    }

    @Test
    void afterAnUnchangedRunOnlyTheChangedKeyRangesAreReadAndEveryChangeLands() throws Exception {
        db.exec("DROP TABLE IF EXISTS " + SRC + ".taskdetail_ranges");
        db.exec("CREATE TABLE " + SRC + ".taskdetail_ranges AS SELECT * FROM " + SRC + ".taskdetail WHERE taskdetailkey <= '0000100000'");
        db.exec("ALTER TABLE " + SRC + ".taskdetail_ranges ADD PRIMARY KEY (taskdetailkey)");
        Path sync = syncFile("ranges", "taskdetail_ranges", "");
        assertThat(FerryProcess.run(dir, "run", sync.toString()).exit()).isZero();

        db.exec("UPDATE " + SRC + ".taskdetail_ranges SET status = 'R' WHERE taskdetailkey IN ('0000000007', '0000050003', '0000050004')");
        db.exec("DELETE FROM " + SRC + ".taskdetail_ranges WHERE taskdetailkey = '0000070000'");
        db.exec("INSERT INTO " + SRC + ".taskdetail_ranges SELECT * FROM " + SRC + ".taskdetail WHERE taskdetailkey = '0000100001'");
        FerryProcess.Result r = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode run = json(r);
        assertThat(run.get("counters").get("updated").asLong()).isEqualTo(3);
        assertThat(run.get("counters").get("inserted").asLong()).isEqualTo(1);
        assertThat(run.get("stats").get("rangesChanged").asInt()).isEqualTo(4);
        assertThat(run.get("stats").get("readThisRun").asLong()).isLessThanOrEqualTo(4L * BATCH);
        // upserts never delete: the destination keeps the deleted row, and equals the source otherwise
        assertThat(db.queryLong("SELECT count(*) FROM (TABLE " + SRC + ".taskdetail_ranges EXCEPT TABLE " + DST + ".taskdetail_ranges) d")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM (TABLE " + DST + ".taskdetail_ranges EXCEPT TABLE " + SRC + ".taskdetail_ranges) d")).isEqualTo(1);

        FerryProcess.Result again = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(json(again).get("stats").get("readThisRun").asLong()).isZero();
        assertThat(json(again).get("counters").get("unchanged").asLong()).isEqualTo(100_000);
    }

    /** A fingerprint of every row version (xmin) plus n_tup_upd: both move if any row is rewritten. */
    List<Long> xminAndUpdates(String table) throws Exception {
        Thread.sleep(1200); // let the finished process's backend flush its table statistics
        db.exec("SELECT pg_stat_clear_snapshot()");
        List<Long> out = new ArrayList<>();
        out.add(db.queryLong("SELECT sum(xmin::text::bigint) FROM " + DST + "." + table));
        out.add(db.queryLong("SELECT n_tup_upd FROM pg_stat_user_tables WHERE schemaname = '" + DST + "' AND relname = '" + table + "'"));
        return out;
    }

    @Test
    void incrementalRunReadsOnlyRowsPastTheCursor() throws Exception {
        db.exec("DROP TABLE IF EXISTS " + SRC + ".taskdetail_inc");
        db.exec("CREATE TABLE " + SRC + ".taskdetail_inc AS SELECT * FROM " + SRC + ".taskdetail WHERE taskdetailkey <= '0000050000'");
        db.exec("ALTER TABLE " + SRC + ".taskdetail_inc ADD PRIMARY KEY (taskdetailkey)");
        Path sync = syncFile("incremental", "taskdetail_inc", "  cursor: editdate");
        FerryProcess.Result first = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(first.exit()).as(first.all()).isZero();
        assertThat(json(first).get("counters").get("inserted").asLong()).isEqualTo(50_000);

        db.exec("UPDATE " + SRC + ".taskdetail_inc SET editdate = editdate + interval '1000 days', status = 'U' "
                + "WHERE right(taskdetailkey, 1) = '7'");
        FerryProcess.Result second = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(second.exit()).as(second.all()).isZero();
        JsonNode c = json(second).get("counters");
        assertThat(c.get("processed").asLong()).isEqualTo(5_000);
        assertThat(c.get("updated").asLong()).isEqualTo(5_000);
        assertThat(c.get("inserted").asLong()).isZero();
        assertThat(differences("taskdetail_inc")).isZero();

        FerryProcess.Result third = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(json(third).get("counters").get("processed").asLong()).isZero();
    }
}
