package dev.ferry.cli;

import dev.ferry.quality.ContactRules;
import dev.ferry.testkit.contacts.ContactGenerator;
import dev.ferry.testkit.contacts.ContactMix;
import dev.ferry.testkit.contacts.DedupEvaluation;
import dev.ferry.testkit.contacts.GeneratedContact;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deduplication end to end through the packaged CLI, one database to itself, with a generated contact table:
 * killed with SIGKILL mid-run and resumed, the destination ends with exactly the masters and links the rules
 * give (one master per cluster, every source record linked once), and a re-run changes nothing. Subclasses
 * name the database (PostgreSQL, MariaDB).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DedupKillResumeChecks {
    static final int ROWS = 6_000, BATCH = 300;
    static final JsonMapper JSON = JsonMapper.builder().build();
    final String src, dst;
    Db db;
    List<GeneratedContact> contacts;
    int[] cluster;

    @TempDir Path dir;

    DedupKillResumeChecks(String schemaPrefix) {
        src = schemaPrefix + "_src";
        dst = schemaPrefix + "_dst";
    }

    abstract Db openDb();

    /** The sync file's type: and url: of this database. */
    abstract String type();

    abstract String url();

    abstract String user();

    /** Drops and creates a schema (a database on MariaDB). */
    abstract void resetSchema(String name) throws Exception;

    /** What follows the column list of the source table (MariaDB: its character set). */
    String tableOptions() {
        return "";
    }

    @BeforeAll
    void createSource() throws Exception {
        db = openDb();
        resetSchema(src);
        db.exec("CREATE TABLE " + src + ".contacts (id bigint PRIMARY KEY, first_name text, last_name text, email text, "
                + "phone text, street text, city text, zip text, company text, birth_date text)" + tableOptions());
        contacts = ContactGenerator.generate(20261123, ContactMix.CRM, ROWS);
        cluster = DedupEvaluation.clusters(ContactRules.defaults(), contacts);
        db.connection().setAutoCommit(false);
        try (PreparedStatement ps = db.connection().prepareStatement("INSERT INTO " + src + ".contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (GeneratedContact c : contacts) {
                ps.setLong(1, c.id());
                for (int i = 0; i < GeneratedContact.FIELDS.length; i++) ps.setString(i + 2, c.field(GeneratedContact.FIELDS[i]));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        db.connection().commit();
        db.connection().setAutoCommit(true);
    }

    @AfterAll
    void close() throws Exception {
        db.close();
    }

    Path syncFile(String name) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, """
                name: %1$s
                source:
                  type: %2$s
                  url: %3$s
                  user: %4$s
                  table: %5$s.contacts
                  key: [id]
                destination:
                  type: %2$s
                  url: %3$s
                  user: %4$s
                  table: %6$s.contacts
                dedup:
                  preset: contacts
                  strategy: merge_fields
                  system: crm
                derive:
                  - table: %6$s.contact_company
                    when: $exists(company)
                    mapping:
                      company: company
                batch:
                  size: %7$d
                state: jdbc:h2:file:%8$s/state
                """.formatted(name, type(), url(), user(), src, dst, BATCH, dir));
        return f;
    }

    /** Every source record linked once; records of one cluster share one master; one master per cluster, no other row. */
    void assertExactlyTheExpectedMastersAndLinks() throws Exception {
        Map<Long, Long> links = new HashMap<>();
        try (Statement st = db.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT source_key, master_key FROM " + dst + ".contacts__links")) {
            while (rs.next()) assertThat(links.put(Long.parseLong(rs.getString(1)), Long.parseLong(rs.getString(2)))).isNull();
        }
        assertThat(links).hasSize(ROWS);
        Map<Integer, Long> masterOfCluster = new HashMap<>();
        for (int i = 0; i < ROWS; i++) {
            Long m = links.get(contacts.get(i).id());
            Long prev = masterOfCluster.putIfAbsent(cluster[i], m);
            if (prev != null) assertThat(m).as("record %d shares its cluster's master", contacts.get(i).id()).isEqualTo(prev);
        }
        Set<Long> expected = new HashSet<>(masterOfCluster.values());
        assertThat(expected).as("one master per cluster").hasSize(masterOfCluster.size());
        Set<Long> masters = new HashSet<>();
        try (Statement st = db.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM " + dst + ".contacts")) {
            while (rs.next()) masters.add(rs.getLong(1));
        }
        assertThat(masters).isEqualTo(expected);
        // the derived table: one row per source record with a company, keyed by the source record, in the batch's transaction
        Set<Long> withCompany = new HashSet<>();
        try (Statement st = db.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + src + ".contacts WHERE company IS NOT NULL")) {
            while (rs.next()) withCompany.add(rs.getLong(1));
        }
        Set<Long> derived = new HashSet<>();
        try (Statement st = db.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + dst + ".contact_company")) {
            while (rs.next()) assertThat(derived.add(rs.getLong(1))).as("derived row of %d once", rs.getLong(1)).isTrue();
        }
        assertThat(withCompany).isNotEmpty();
        assertThat(derived).isEqualTo(withCompany);
        // the blocking index holds exactly the keys of linked records
        assertThat(db.queryLong("SELECT count(*) FROM " + dst + ".contacts__match_keys m LEFT JOIN " + dst
                + ".contacts__links l USING (source_key) WHERE l.source_key IS NULL")).isZero();
    }

    @Test
    void killedMidRunThenResumedEndsWithExactlyTheExpectedMastersAndLinksAndAReRunChangesNothing() throws Exception {
        Random random = new Random(9);
        int interrupted = 0;
        for (int round = 0; round < 3 && interrupted == 0; round++) { // until a kill lands mid-run
            resetSchema(dst);
            Path sync = syncFile("dedup" + round);
            Process p = FerryProcess.start(dir, Map.of(), "run", sync.toString(), "--no-progress");
            long deadline = System.currentTimeMillis() + 60_000;
            // killed once a random number of records is linked (one batch to half of them): by rows, not by time,
            // so a faster machine still kills mid-run
            long target = BATCH + random.nextInt(ROWS / 2);
            while (db.countOrZero(dst + ".contacts__links") < target && p.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            boolean wasAlive = p.isAlive();
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long linkedBeforeResume = db.countOrZero(dst + ".contacts__links");

            FerryProcess.Result resumed = FerryProcess.run(dir, "run", sync.toString(), "--json");
            assertThat(resumed.exit()).as(resumed.all()).isZero();
            JsonNode run = JSON.readTree(resumed.out());
            assertThat(run.get("status").asString()).isEqualTo("succeeded");
            if (wasAlive && linkedBeforeResume < ROWS && !run.get("resumedFrom").isNull()) interrupted++;
            assertExactlyTheExpectedMastersAndLinks();
            JsonNode c = run.get("counters");
            assertThat(c.get("merged").asLong()).isPositive();
            assertThat(c.get("processed").asLong()).isEqualTo(ROWS);

            // a re-run of the unchanged source: all unchanged, no master created or removed
            long masters = db.queryLong("SELECT count(*) FROM " + dst + ".contacts");
            FerryProcess.Result again = FerryProcess.run(dir, "run", sync.toString(), "--json");
            assertThat(again.exit()).as(again.all()).isZero();
            JsonNode ac = JSON.readTree(again.out()).get("counters");
            assertThat(ac.get("unchanged").asLong()).isEqualTo(ROWS);
            assertThat(ac.get("inserted").asLong() + ac.get("updated").asLong() + ac.get("merged").asLong()).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM " + dst + ".contacts")).isEqualTo(masters);
            assertExactlyTheExpectedMastersAndLinks();
        }
        assertThat(interrupted).as("kills that landed mid-run").isGreaterThanOrEqualTo(1);
    }
}
