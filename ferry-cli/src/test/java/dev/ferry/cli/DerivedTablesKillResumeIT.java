package dev.ferry.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * transform: and derive: end to end, with the packaged CLI: accounts mapped and validated into a primary table and
 * two derived tables (a company profile when industry is set, an industry class for approved industries). Killed
 * with SIGKILL mid-run and resumed, every table equals what an uninterrupted run produces; a re-run changes nothing;
 * a source change removes derived rows whose condition stopped holding. PostgreSQL → PostgreSQL and → MariaDB.
 */
class DerivedTablesKillResumeIT {
    static final String SRC = "tf_src", DST = "tf_dst", REF = "tf_ref", MARIA = "tf_dst_maria";
    static final int ROWS = 12_000, BATCH = 500;
    static final String[] TABLES = {"account", "company_profile", "industry_class"};
    static final JsonMapper JSON = JsonMapper.builder().build();
    static Db db;

    @TempDir Path dir;

    @BeforeAll
    static void createSource() throws Exception {
        db = Db.postgres();
        for (String s : new String[]{SRC, DST, REF}) db.exec("DROP SCHEMA IF EXISTS " + s + " CASCADE");
        db.exec("CREATE SCHEMA " + SRC);
        db.exec("""
                CREATE TABLE tf_src.accounts (id bigint PRIMARY KEY, name text NOT NULL, email text, industry text,
                  country text, revenue numeric(14,2), updated timestamptz NOT NULL);
                INSERT INTO tf_src.accounts
                SELECT g, (ARRAY['Ada','Bob','Cy','Di'])[1 + g %% 4] || ' ' || (ARRAY['Lovelace','Smith','Young'])[1 + g %% 3] || g,
                  CASE WHEN g %% 97 = 0 THEN 'broken-' || g ELSE 'User' || g || '@Example.COM' END,
                  CASE WHEN g %% 5 = 0 THEN NULL ELSE (ARRAY['software','retail','mining','farming'])[1 + g %% 4] END,
                  (ARRAY['DE','FR','US','JP','BR'])[1 + g %% 5], round((g * 7919 %% 1000000)::numeric / 1.5, 2),
                  timestamptz '2026-01-01' + g * interval '1 minute'
                FROM generate_series(1, %d) g;
                """.formatted(ROWS));
        db.exec("CREATE SCHEMA " + REF);
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    Path syncFile(String name, String type, String url, String user, String schema, String src) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, """
                name: %1$s
                source:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:5432/test
                  user: postgres
                  table: %2$s
                  key: [id]
                destination:
                  type: %3$s
                  url: %4$s
                  user: %5$s
                  table: %6$s.account
                batch:
                  size: %7$d
                retry:
                  initialDelay: 200ms
                transform:
                  lookups:
                    regions: {DE: EMEA, FR: EMEA, US: AMER, JP: APAC}
                  mapping:
                    account_id: id
                    first_name: $substringBefore(name, ' ')
                    last_name: $substringAfter(name, ' ')
                    email: $lowercase(email)
                    region: $lookup($regions, country)
                    revenue: {expr: revenue, type: "decimal(14,2)"}
                    updated: updated
                  validate:
                    email: {required: true, pattern: '^[^@ ]+@[^@ ]+$'}
                derive:
                  - table: %6$s.company_profile
                    when: $exists(industry)
                    mapping:
                      industry: industry
                      size_class: "revenue > 400000 ? 'large' : 'small'"
                  - table: %6$s.industry_class
                    when: industry in ['software', 'retail']
                    link: [account]
                    mapping:
                      code: $uppercase(industry)
                state: jdbc:h2:file:%8$s/state
                """.formatted(name, src, type, url, user, schema, BATCH, dir));
        return f;
    }

    Path pgSync(String name, String schema, String src) throws Exception {
        db.exec("CREATE SCHEMA IF NOT EXISTS " + schema);
        return syncFile(name, "postgres", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", schema, src);
    }

    static JsonNode json(FerryProcess.Result r) {
        return JSON.readTree(r.out());
    }

    long differences(String schema, String table) throws Exception {
        return db.queryLong("SELECT count(*) FROM ((TABLE " + REF + "." + table + " EXCEPT TABLE " + schema + "." + table
                + ") UNION ALL (TABLE " + schema + "." + table + " EXCEPT TABLE " + REF + "." + table + ")) d");
    }

    static long invalid() {
        return ROWS / 97;
    }

    static boolean referenceDone;

    /** The reference: one uninterrupted run (made once for the class). */
    void reference(String src) throws Exception {
        if (referenceDone) return;
        referenceDone = true;
        for (String t : TABLES) db.exec("DROP TABLE IF EXISTS " + REF + "." + t);
        FerryProcess.Result r = FerryProcess.run(dir, "run", pgSync("ref", REF, src).toString(), "--json", "--full-refresh");
        assertThat(r.exit()).as(r.all()).isZero();
    }

    /**
     * Starts a run and SIGKILLs it once a random number of rows (from one batch to half the table) is committed,
     * returns whether it was still running. Judged by rows, not by time: a fast machine finishes 24 batches in less
     * than any fixed delay after the first.
     */
    boolean killMidRun(Path sync, java.util.function.LongSupplier committed, Random random) throws Exception {
        Process p = FerryProcess.start(dir, Map.of(), "run", sync.toString(), "--no-progress");
        long deadline = System.currentTimeMillis() + 60_000;
        long target = BATCH + random.nextInt(ROWS / 2);
        while (committed.getAsLong() < target && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(5);
        boolean wasAlive = p.isAlive();
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return wasAlive;
    }

    long countOrZero(String table) {
        return db.countOrZero(table);
    }

    @Test
    void killedAndResumedEveryTableEqualsAnUninterruptedRunAndAReRunChangesNothing() throws Exception {
        reference(SRC + ".accounts");
        assertThat(db.queryLong("SELECT count(*) FROM " + REF + ".account")).isEqualTo(ROWS - invalid());
        assertThat(db.queryLong("SELECT count(*) FROM " + REF + ".company_profile")).isEqualTo(
                db.queryLong("SELECT count(*) FROM " + SRC + ".accounts WHERE industry IS NOT NULL AND id % 97 <> 0"));
        assertThat(db.queryLong("SELECT count(*) FROM " + REF + ".industry_class")).isEqualTo(
                db.queryLong("SELECT count(*) FROM " + SRC + ".accounts WHERE industry IN ('software', 'retail') AND id % 97 <> 0"));
        assertThat(db.queryLong("SELECT count(*) FROM " + REF + ".account WHERE first_name || ' ' || last_name <> "
                + "(SELECT name FROM " + SRC + ".accounts a WHERE a.id = account_id)")).isZero();

        Random random = new Random(20261123);
        int interrupted = 0;
        for (int round = 0; round < 2; round++) {
            for (String t : TABLES) db.exec("DROP TABLE IF EXISTS " + DST + "." + t);
            Path sync = pgSync("kill" + round, DST, SRC + ".accounts");
            boolean wasAlive = killMidRun(sync, () -> countOrZero(DST + ".account"), random);
            FerryProcess.Result resumed = FerryProcess.run(dir, "run", sync.toString(), "--json");
            assertThat(resumed.exit()).as(resumed.all()).isZero();
            JsonNode run = json(resumed);
            for (String t : TABLES) assertThat(differences(DST, t)).as("round %d, table %s", round, t).isZero();
            // one letter per skipped record, however the batches fell between the killed run and the resumed one
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir + "/state");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT source_key) FROM ferry_dead_letters "
                         + "WHERE sync_name = 'kill" + round + "' AND category = 'skipped' AND resolved_at IS NULL")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(invalid());
                assertThat(rs.getLong(2)).isEqualTo(invalid());
            }
            if (wasAlive && !run.get("resumedFrom").isNull()) {
                interrupted++;
                assertThat(run.get("counters").get("processed").asLong()).isEqualTo(ROWS);
                assertThat(run.get("counters").get("skipped").asLong()).isEqualTo(invalid());
                // status of the resumed run lists the skipped records of the whole pass (up to 100)
                FerryProcess.Result status = FerryProcess.run(dir, "--state", "jdbc:h2:file:" + dir + "/state", "status",
                        run.get("runId").asString(), "--json");
                assertThat(json(status).get("skippedRecords")).hasSize((int) Math.min(100, invalid()));
            }
        }
        assertThat(interrupted).as("kills that landed mid-run").isGreaterThanOrEqualTo(1);

        // a re-run of the same source changes nothing in any table
        Path sync = pgSync("kill0", DST, SRC + ".accounts");
        FerryProcess.Result again = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(again.exit()).as(again.all()).isZero();
        JsonNode run = json(again);
        assertThat(run.get("counters").get("inserted").asLong()).isZero();
        assertThat(run.get("counters").get("updated").asLong()).isZero();
        assertThat(run.get("counters").get("unchanged").asLong()).isEqualTo(ROWS - invalid());
        assertThat(run.get("counters").get("skipped").asLong()).isEqualTo(invalid());
        JsonNode tables = run.get("stats").get("tables");
        for (String t : new String[]{"company_profile", "industry_class"}) {
            JsonNode c = tables.get(DST + "." + t);
            assertThat(c.get("inserted").asLong() + c.get("updated").asLong() + c.get("deleted").asLong()).as(t).isZero();
            assertThat(c.get("unchanged").asLong()).isEqualTo(db.queryLong("SELECT count(*) FROM " + DST + "." + t));
        }
    }

    @Test
    void whenAConditionStopsHoldingTheDerivedRowIsRemoved() throws Exception {
        db.exec("DROP TABLE IF EXISTS " + SRC + ".accounts_small");
        db.exec("CREATE TABLE " + SRC + ".accounts_small AS SELECT * FROM " + SRC + ".accounts WHERE id <= 3000");
        db.exec("ALTER TABLE " + SRC + ".accounts_small ADD PRIMARY KEY (id)");
        String schema = "tf_dst_cond";
        db.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        Path sync = pgSync("cond", schema, SRC + ".accounts_small");
        assertThat(FerryProcess.run(dir, "run", sync.toString()).exit()).isZero();

        // 'software' → 'mining' leaves the industry class; NULL industry leaves both derived tables
        long toMining = db.queryLong("SELECT count(*) FROM " + SRC + ".accounts_small WHERE industry = 'software' AND id % 2 = 0 AND id % 97 <> 0");
        long toNull = db.queryLong("SELECT count(*) FROM " + SRC + ".accounts_small WHERE industry = 'retail' AND id % 3 = 0 AND id % 97 <> 0");
        db.exec("UPDATE " + SRC + ".accounts_small SET industry = 'mining' WHERE industry = 'software' AND id % 2 = 0");
        db.exec("UPDATE " + SRC + ".accounts_small SET industry = NULL WHERE industry = 'retail' AND id % 3 = 0");
        FerryProcess.Result r = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode tables = json(r).get("stats").get("tables");
        assertThat(tables.get(schema + ".industry_class").get("deleted").asLong()).isEqualTo(toMining + toNull);
        assertThat(tables.get(schema + ".company_profile").get("deleted").asLong()).isEqualTo(toNull);
        assertThat(tables.get(schema + ".company_profile").get("updated").asLong()).isEqualTo(toMining);
        assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".industry_class")).isEqualTo(db.queryLong(
                "SELECT count(*) FROM " + SRC + ".accounts_small WHERE industry IN ('software', 'retail') AND id % 97 <> 0"));
        assertThat(db.queryLong("SELECT count(*) FROM " + schema + ".company_profile p JOIN " + SRC
                + ".accounts_small a ON a.id = p.account_id WHERE a.industry IS DISTINCT FROM p.industry")).isZero();
    }

    @Test
    void skippedRecordsAreVisibleWithReasonsInStatusAndTheDeadLetterTable() throws Exception {
        db.exec("DROP TABLE IF EXISTS " + SRC + ".accounts_tiny");
        db.exec("CREATE TABLE " + SRC + ".accounts_tiny AS SELECT * FROM " + SRC + ".accounts WHERE id <= 500");
        db.exec("ALTER TABLE " + SRC + ".accounts_tiny ADD PRIMARY KEY (id)");
        Path sync = pgSync("tiny", "tf_dst_tiny", SRC + ".accounts_tiny");
        db.exec("DROP SCHEMA IF EXISTS tf_dst_tiny CASCADE");
        db.exec("CREATE SCHEMA tf_dst_tiny");
        FerryProcess.Result r = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        String runId = json(r).get("runId").asString();
        assertThat(json(r).get("counters").get("skipped").asLong()).isEqualTo(5); // ids 97, 194, …, 485, in the order they were read

        FerryProcess.Result status = FerryProcess.run(dir, "--state", "jdbc:h2:file:" + dir + "/state", "status", runId, "--json");
        JsonNode s = json(status);
        assertThat(s.get("counters").get("skipped").asLong()).isEqualTo(5);
        assertThat(s.get("stats").get("skippedByRule").get("email: pattern").asLong()).isEqualTo(5);
        List<String> keys = new ArrayList<>();
        s.get("skippedRecords").forEach(x -> {
            keys.add(x.get("key").asString());
            assertThat(x.get("field").asString()).isEqualTo("email");
            assertThat(x.get("rule").asString()).isEqualTo("pattern");
            assertThat(x.get("reason").asString()).contains("broken-");
        });
        assertThat(keys).containsExactly("97", "194", "291", "388", "485");
        assertThat(s.get("failedRecords")).isEmpty();

        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir + "/state");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT source_key, category, field_name, rule_name FROM ferry_dead_letters ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            assertThat(rows).containsExactly("97 skipped email pattern", "194 skipped email pattern", "291 skipped email pattern",
                    "388 skipped email pattern", "485 skipped email pattern");
        }
        // replay has nothing to re-send: skipped records are not failed writes
        FerryProcess.Result replay = FerryProcess.run(dir, "--state", "jdbc:h2:file:" + dir + "/state", "replay", runId, "--json");
        assertThat(replay.exit()).as(replay.all()).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM tf_dst_tiny.account")).isEqualTo(495);
    }

    @Test
    void aMappingThatDoesNotFitTheSourceExits2ListingEveryProblem() throws Exception {
        Path sync = pgSync("badmap", "tf_dst_bad", SRC + ".accounts");
        Files.writeString(sync, Files.readString(sync).replace("email: $lowercase(email)", "email: $lowercase(e_mail)")
                .replace("updated: updated", "updated: modified"));
        FerryProcess.Result r = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.all()).contains("transform.mapping.email", "'e_mail'", "transform.mapping.updated", "'modified'");
        assertThat(db.countOrZero("tf_dst_bad.account")).isZero();
    }

    @Test
    void toMariaDbKilledAndResumedEqualsTheReference() throws Exception {
        reference(SRC + ".accounts");
        try (Db maria = Db.mariadb()) {
            maria.exec("DROP DATABASE IF EXISTS " + MARIA);
            maria.exec("CREATE DATABASE " + MARIA);
            Path sync = syncFile("maria", "mariadb", "jdbc:mariadb://127.0.0.1:3306/test", "root", MARIA, SRC + ".accounts");
            killMidRun(sync, () -> {
                try {
                    return maria.queryLong("SELECT count(*) FROM " + MARIA + ".account");
                } catch (java.sql.SQLException e) {
                    return 0; // not created yet
                }
            }, new Random(7));
            FerryProcess.Result resumed = FerryProcess.run(dir, "run", sync.toString(), "--json");
            assertThat(resumed.exit()).as(resumed.all()).isZero();
            for (String t : TABLES) {
                String order = t.equals("industry_class") ? "account" : "account_id";
                assertThat(rows(maria.connection(), "SELECT * FROM " + MARIA + "." + t + " ORDER BY " + order))
                        .as(t).isEqualTo(rows(db.connection(), "SELECT * FROM " + REF + "." + t + " ORDER BY " + order));
            }
            FerryProcess.Result again = FerryProcess.run(dir, "run", sync.toString(), "--json");
            assertThat(json(again).get("counters").get("unchanged").asLong()).isEqualTo(ROWS - invalid());
            JsonNode c = json(again).get("stats").get("tables").get(MARIA + ".company_profile");
            assertThat(c.get("inserted").asLong() + c.get("updated").asLong() + c.get("deleted").asLong()).isZero();
        }
    }

    /** Rows as text, so values compare across databases (decimals by value, timestamps as instants). */
    static List<String> rows(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof java.math.BigDecimal d) v = d.stripTrailingZeros().toPlainString();
                    if (v instanceof java.sql.Timestamp t) v = t.toInstant();
                    if (v instanceof java.time.OffsetDateTime t) v = t.toInstant();
                    if (v instanceof java.time.LocalDateTime t) v = t.toInstant(java.time.ZoneOffset.UTC);
                    sb.append(v).append('|');
                }
                out.add(sb.toString());
            }
        }
        return out;
    }
}
