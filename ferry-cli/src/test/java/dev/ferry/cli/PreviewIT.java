package dev.ferry.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferry run --dry-run} against PostgreSQL and MariaDB destinations, through the packaged CLI: the destination
 * and the state store (runs, checkpoints, digests, leases, dead letters) are unchanged to the byte, the counts equal
 * those of the real run that follows, and a preview of an unchanged source says all unchanged.
 */
class PreviewIT {
    static final String SCHEMA = "bd_preview";
    static final String STATE = "bd_preview_state";
    static final int ROWS = 3000;
    static Db pg, maria;

    @TempDir Path dir;

    @BeforeAll
    static void schemas() throws Exception {
        pg = Db.postgres();
        maria = Db.mariadb();
        pg.exec("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        pg.exec("DROP SCHEMA IF EXISTS " + STATE + " CASCADE");
        pg.exec("CREATE SCHEMA " + SCHEMA);
        maria.exec("DROP DATABASE IF EXISTS " + SCHEMA);
        maria.exec("CREATE DATABASE " + SCHEMA);
        pg.exec("CREATE TABLE " + SCHEMA + ".items (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), qty int, "
                + "seen timestamptz)");
        pg.exec("INSERT INTO " + SCHEMA + ".items SELECT g, 'item ' || g, g * 1.25, g % 17, "
                + "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' FROM generate_series(1, " + ROWS + ") g");
    }

    @AfterAll
    static void close() throws Exception {
        pg.close();
        maria.close();
    }

    Path sync(String name, String destination) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, """
                name: %s
                source:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:5432/test
                  user: postgres
                  table: %s.items
                  key: [id]
                destination:
                %s
                batch:
                  size: 500
                state: jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=%s
                """.formatted(name, SCHEMA, destination.indent(2).stripTrailing(), STATE));
        return f;
    }

    /** Every table of the state schema, each as an md5 over its rows in a fixed order. */
    static Map<String, String> stateDump() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> tables = new ArrayList<>();
        try (Statement s = pg.connection().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + STATE + "' ORDER BY 1")) {
            while (rs.next()) tables.add(rs.getString(1));
        }
        assertThat(tables).contains("ferry_runs", "ferry_leases");
        for (String t : tables) {
            try (Statement s = pg.connection().createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM " + STATE + "." + t + " x")) {
                rs.next();
                out.put(t, rs.getString(1));
            }
        }
        return out;
    }

    static JsonNode json(FerryProcess.Result r) {
        assertThat(r.exit()).as(r.all()).isZero();
        return Console.JSON.readTree(r.out());
    }

    static long[] counts(JsonNode n) {
        JsonNode c = n.get("counters");
        return new long[]{c.get("inserted").asLong(), c.get("updated").asLong(), c.get("unchanged").asLong()};
    }

    void previewAgreesAndWritesNothing(Path sync, DestinationDump dump) throws Exception {
        assertThat(json(FerryProcess.run(dir, "run", sync.toString(), "--json")).get("status").asString()).isEqualTo("succeeded");
        pg.exec("UPDATE " + SCHEMA + ".items SET name = name || ' (edited)', qty = qty + 100 WHERE id % 100 = 7");
        pg.exec("INSERT INTO " + SCHEMA + ".items VALUES (" + (ROWS + 1) + ", 'new one', 1.50, 1, now()), (" + (ROWS + 2) + ", 'new two', NULL, NULL, NULL)");
        try {
            Object destBefore = dump.get();
            Map<String, String> stateBefore = stateDump();

            JsonNode preview = json(FerryProcess.run(dir, "run", sync.toString(), "--dry-run", "--json", "--samples", "2"));

            assertThat(dump.get()).isEqualTo(destBefore);
            assertThat(stateDump()).isEqualTo(stateBefore);
            assertThat(preview.get("dryRun").asBoolean()).isTrue();
            assertThat(counts(preview)).containsExactly(2, ROWS / 100, ROWS - ROWS / 100);
            JsonNode updated = preview.get("samples").get("updated");
            assertThat(updated).hasSize(2);
            JsonNode fields = updated.get(0).get("fields");
            assertThat(fields.get("name").get("new").asString()).endsWith(" (edited)");
            assertThat(fields.get("name").get("old").asString()).doesNotEndWith(" (edited)");
            assertThat(fields.has("amount")).isFalse();

            JsonNode run = json(FerryProcess.run(dir, "run", sync.toString(), "--json"));
            assertThat(counts(run)).containsExactly(counts(preview));

            JsonNode again = json(FerryProcess.run(dir, "run", sync.toString(), "--dry-run", "--json"));
            assertThat(counts(again)).containsExactly(0, 0, ROWS + 2);
        } finally {
            pg.exec("DELETE FROM " + SCHEMA + ".items WHERE id > " + ROWS);
            pg.exec("UPDATE " + SCHEMA + ".items SET name = 'item ' || id, qty = id % 17 WHERE id % 100 = 7");
        }
    }

    interface DestinationDump {
        Object get() throws Exception;
    }

    @Test
    void postgresDestinationWithRangeDigests() throws Exception {
        Path sync = sync("bd-preview-pg", """
                type: postgres
                url: jdbc:postgresql://127.0.0.1:5432/test
                user: postgres
                table: %s.items_copy""".formatted(SCHEMA));
        previewAgreesAndWritesNothing(sync, () -> Rows.read(pg.connection(), "SELECT * FROM " + SCHEMA + ".items_copy ORDER BY id"));
    }

    @Test
    void mariadbDestination() throws Exception {
        Path sync = sync("bd-preview-maria", """
                type: mariadb
                url: jdbc:mariadb://127.0.0.1:3306/%s
                user: root
                table: items""".formatted(SCHEMA));
        previewAgreesAndWritesNothing(sync, () -> Rows.read(maria.connection(), "SELECT * FROM " + SCHEMA + ".items ORDER BY id"));
    }

    @Test
    void missingTablePreviewsAsAllInsertedAndIsNotCreated() throws Exception {
        Path sync = sync("bd-preview-missing", """
                type: postgres
                url: jdbc:postgresql://127.0.0.1:5432/test
                user: postgres
                table: %s.not_yet""".formatted(SCHEMA));
        FerryProcess.Result r = FerryProcess.run(dir, "run", sync.toString(), "--dry-run", "--samples", "1");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("DRY RUN bd-preview-missing").contains(ROWS + " inserted").contains("nothing was written")
                .contains("key 1").contains("name: (new) → 'item 1'");
        assertThat(pg.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + SCHEMA + "' AND table_name = 'not_yet'")).isZero();
    }
}
