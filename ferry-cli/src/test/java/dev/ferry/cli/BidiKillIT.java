package dev.ferry.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL ↔ MariaDB through the packaged CLI: the same edits on both sides (one-sided changes, conflicts, new
 * records both ways, deletions on b), synchronised once without interruption (the reference), and again with the
 * run SIGKILLed at random instants, several times, then re-run: both sides end equal to the reference, the conflicts
 * on record are the same, and a further run writes nothing.
 */
class BidiKillIT {
    static final String SCHEMA = "bd_bidi_kill";
    static final int ROWS = 6_000;
    static Db pg, maria;

    @TempDir Path dir;

    @BeforeAll
    static void databases() throws Exception {
        pg = Db.postgres();
        maria = Db.mariadb();
        pg.exec("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        pg.exec("CREATE SCHEMA " + SCHEMA);
        maria.exec("DROP DATABASE IF EXISTS " + SCHEMA);
        maria.exec("CREATE DATABASE " + SCHEMA);
    }

    @AfterAll
    static void close() throws Exception {
        pg.close();
        maria.close();
    }

    Path sync(String name, String table) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, """
                name: %s
                direction: bidirectional
                a:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:5432/test
                  user: postgres
                  table: %s.%s
                  key: [id]
                  cursor: modified
                b:
                  type: mariadb
                  url: jdbc:mariadb://127.0.0.1:3306/%s
                  user: root
                  table: %s
                  key: [id]
                conflicts: {strategy: a_wins, fields: {note: merge, qty: merge}, merge: {text: concat, numbers: sum_of_changes}}
                deletions: propagate
                batch:
                  size: 300
                state: jdbc:h2:file:%s/state-%s
                """.formatted(name, SCHEMA, table, SCHEMA, table, dir, name));
        return f;
    }

    /** a holds ROWS records; a first run copies them to b (which Ferry creates). */
    Path setUp(String name, String table) throws Exception {
        pg.exec("DROP TABLE IF EXISTS " + SCHEMA + "." + table);
        maria.exec("DROP TABLE IF EXISTS " + SCHEMA + "." + table);
        pg.exec("CREATE TABLE " + SCHEMA + "." + table + " (id bigint PRIMARY KEY, name text NOT NULL, qty int, note text, "
                + "price numeric(10,2), seen timestamptz, modified timestamptz NOT NULL DEFAULT now())");
        pg.exec("INSERT INTO " + SCHEMA + "." + table + " SELECT g, 'item ' || g, g % 50, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END, "
                + "g * 0.25, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', timestamptz '2024-01-01' FROM generate_series(1, " + ROWS + ") g");
        Path sync = sync(name, table);
        JsonNode first = run(sync);
        assertThat(first.get("counters").get("a_to_b").asLong()).isEqualTo(ROWS);
        return sync;
    }

    /** The same edits every time: one-sided, both-sided (conflicts), new records both ways, deletions on b. */
    void edit(String table) throws Exception {
        String a = SCHEMA + "." + table, b = SCHEMA + "." + table;
        pg.exec("UPDATE " + a + " SET qty = qty + 1000, modified = now() WHERE id % 7 = 0");
        maria.exec("UPDATE " + b + " SET name = CONCAT(name, '-b') WHERE id % 11 = 0");
        maria.exec("UPDATE " + b + " SET qty = qty + 5 WHERE id % 77 = 0");            // a changed qty too: both changes add up
        pg.exec("UPDATE " + a + " SET note = 'a' || id, modified = now() WHERE id % 101 = 0");
        maria.exec("UPDATE " + b + " SET note = CONCAT('b', id) WHERE id % 101 = 0");   // merged: 'a.. | b..'
        maria.exec("UPDATE " + b + " SET note = 'same', price = 1.00 WHERE id % 303 = 1");
        pg.exec("UPDATE " + a + " SET note = 'same', modified = now() WHERE id % 303 = 1"); // the same value: no conflict
        pg.exec("INSERT INTO " + a + " (id, name, qty) SELECT g, 'new on a ' || g, 1 FROM generate_series(100001, 100500) g");
        maria.exec("INSERT INTO " + b + " (id, name, qty) SELECT seq, CONCAT('new on b ', seq), 2 FROM seq_200001_to_200300");
        maria.exec("DELETE FROM " + b + " WHERE id % 997 = 0");
    }

    JsonNode run(Path sync) throws Exception {
        FerryProcess.Result r = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        return Console.JSON.readTree(r.out());
    }

    List<List<String>> sideA(String table) throws Exception {
        return Rows.read(pg.connection(), "SELECT id, name, qty, note, price, seen FROM " + SCHEMA + "." + table + " ORDER BY id");
    }

    List<List<String>> sideB(String table) throws Exception {
        return Rows.read(maria.connection(), "SELECT id, name, qty, note, price, seen FROM " + SCHEMA + "." + table + " ORDER BY id");
    }

    /** Conflicts on record, as (key, field, a, b, resolution) texts, sorted. */
    List<String> conflicts(Path sync) throws Exception {
        FerryProcess.Result r = FerryProcess.run(dir, "conflicts", "list", "--status", "all", "--limit", "100000", "--json",
                "--state", "jdbc:h2:file:" + dir + "/state-" + sync.getFileName().toString().replace(".yaml", ""));
        assertThat(r.exit()).as(r.all()).isZero();
        List<String> out = new ArrayList<>();
        for (JsonNode c : Console.JSON.readTree(r.out())) {
            out.add(c.get("key").asString() + "/" + c.get("field").asString() + "/" + c.get("a") + "/" + c.get("b") + "/" + c.get("resolution")
                    + "/" + c.get("status").asString());
        }
        out.sort(null);
        return out;
    }

    @Test
    void killedAtRandomInstantsAndReRunEqualsAnUninterruptedRun() throws Exception {
        Path ref = setUp("bd-ref", "ref");
        edit("ref");
        long t0 = System.nanoTime();
        JsonNode reference = run(ref);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long runMillis = Math.round(reference.get("stats").get("seconds").asDouble() * 1000);
        long startMillis = Math.max(0, Math.round(seconds * 1000) - runMillis);
        List<List<String>> refA = sideA("ref"), refB = sideB("ref");
        assertThat(refB).isEqualTo(refA);
        JsonNode c = reference.get("counters");
        assertThat(c.get("conflicts").asLong()).isPositive().isEqualTo(c.get("auto_resolved").asLong());
        assertThat(c.get("deleted").asLong()).isEqualTo(ROWS / 997);
        assertThat(refA).anySatisfy(r -> assertThat(r.get(3)).isEqualTo("a101 | b101"));
        assertThat(refA).anySatisfy(r -> assertThat(r).startsWith("154", "item 154-b", String.valueOf(154 % 50 + 1000 + 5)));
        List<String> refConflicts = conflicts(ref);

        Random random = new Random(20261123);
        int killedMidRun = 0;
        for (int round = 0; round < 3; round++) {
            String table = "t" + round;
            Path sync = setUp("bd-kill-" + round, table);
            edit(table);
            for (int kill = 0; kill < 2 - round % 2; kill++) {
                Process p = FerryProcess.start(dir, Map.of(), "run", sync.toString(), "--no-progress");
                // inside the run's window: past the JVM's start, then a random point of the reference run's own time
                Thread.sleep(startMillis + random.nextInt(Math.max(1, (int) (runMillis * 0.9))));
                if (p.isAlive()) killedMidRun++;
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            JsonNode after = run(sync);
            assertThat(after.get("status").asString()).isEqualTo("succeeded");
            assertThat(sideA(table)).as("a after kills, round %d", round).isEqualTo(refA);
            assertThat(sideB(table)).as("b after kills, round %d", round).isEqualTo(refB);
            assertThat(conflicts(sync)).as("conflicts on record, round %d", round).isEqualTo(refConflicts);
            JsonNode quiet = run(sync);
            assertThat(quiet.get("counters").get("a_to_b").asLong() + quiet.get("counters").get("b_to_a").asLong()).isZero();
        }
        assertThat(killedMidRun).as("kills that landed while the run was going").isGreaterThanOrEqualTo(3);
    }
}
