package dev.ferry.cli;

import dev.ferry.testkit.contacts.ContactGenerator;
import dev.ferry.testkit.contacts.ContactMix;
import dev.ferry.testkit.contacts.GeneratedContact;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferry run --dry-run} of a sync with a {@code dedup:} section (and a derived table), in process, one database
 * to itself: the preview's counters equal those of the real run that follows (a first load of generated contacts
 * with duplicates, the unchanged source, then new records, duplicates of existing masters and changed records), and
 * the preview leaves the masters, lineage, blocking index and derived table exactly as they were. Subclasses name the
 * database.
 */
abstract class DedupDryRunChecks {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final int FIRST = 900, MORE = 150, BATCH = 120;
    static final List<String> KINDS = List.of("inserted", "updated", "unchanged", "merged");

    @TempDir Path dir;

    abstract Connection connection() throws SQLException;

    /** The sync file's type, url (and user) lines of a connector block, indented. */
    abstract String connector();

    /** Qualified names: the source table, and the destination's tables (masters, derived). */
    abstract String source(long seed);

    abstract String destination(long seed);

    abstract String derived(long seed);

    /** Drops what an earlier run of the test left (the source table and every destination table). */
    abstract void reset(long seed) throws SQLException;

    String columnType() {
        return "VARCHAR(200)";
    }

    Path syncFile(long seed) throws Exception {
        Path f = dir.resolve("dpv_" + seed + ".yaml");
        Files.writeString(f, """
                name: dpv_%1$d
                source:
                %2$s
                  table: %3$s
                  key: [id]
                destination:
                %2$s
                  table: %4$s
                dedup:
                  preset: contacts
                  strategy: merge_fields
                derive:
                  - table: %5$s
                    when: $exists(company)
                    mapping:
                      company: company
                batch:
                  size: %6$d
                state: jdbc:h2:file:%7$s/state
                """.formatted(seed, connector().indent(2).stripTrailing(), source(seed), destination(seed), derived(seed), BATCH, dir));
        return f;
    }

    void insert(long seed, List<GeneratedContact> contacts) throws SQLException {
        try (Connection c = connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + source(seed) + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (GeneratedContact g : contacts) {
                ps.setLong(1, g.id());
                for (int i = 0; i < GeneratedContact.FIELDS.length; i++) ps.setString(i + 2, g.field(GeneratedContact.FIELDS[i]));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Each destination table: its row count and a SHA-256 over its rows in sorted order, or "missing". */
    Map<String, String> dump(long seed) {
        Map<String, String> out = new LinkedHashMap<>();
        String t = destination(seed);
        for (String table : List.of(t, t + "__links", t + "__match_keys", derived(seed))) {
            try (Connection c = connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                List<String> rows = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i <= n; i++) sb.append(rs.getString(i)).append('\u001f');
                    rows.add(sb.toString());
                }
                rows.sort(null);
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (String r : rows) md.update((r + "\n").getBytes(StandardCharsets.UTF_8));
                out.put(table, rows.size() + " rows, " + HexFormat.of().formatHex(md.digest()));
            } catch (SQLException e) {
                out.put(table, "missing");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    JsonNode ferry(String... args) throws Exception {
        PrintStream was = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = FerryCli.execute(args);
        } finally {
            System.setOut(was);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        return JSON.readTree(out);
    }

    /** The dry run's counters; the tables unchanged by it; then the real run's counters, which must be the same. */
    Map<String, Long> dryRunThenRun(long seed, Path sync) throws Exception {
        Map<String, String> before = dump(seed);
        JsonNode preview = ferry("run", sync.toString(), "--dry-run", "--json", "--samples", "3");
        assertThat(preview.get("dryRun").asBoolean()).isTrue();
        assertThat(dump(seed)).as("the destination's tables after the dry run").isEqualTo(before);
        JsonNode run = ferry("run", sync.toString(), "--json", "--no-progress");
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        Map<String, Long> previewed = counters(preview.get("counters"));
        assertThat(previewed).as("the dry run's counters against the run's").isEqualTo(counters(run.get("counters")));
        // a merge's sample: the master's key and its fields old → new
        if (previewed.get("merged") > 0) {
            JsonNode merged = preview.get("samples").get("merged");
            assertThat(merged.size()).isBetween(1, 3);
            assertThat(merged.get(0).get("key").asString()).isNotBlank();
            assertThat(merged.get(0).get("fields").isObject()).isTrue();
        }
        return previewed;
    }

    static Map<String, Long> counters(JsonNode c) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : KINDS) out.put(k, c.get(k).asLong());
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {41, 42})
    void dryRunAgreesWithTheRunAndWritesNothing(long seed) throws Exception {
        reset(seed);
        try (Connection c = connection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + source(seed) + " (id BIGINT PRIMARY KEY, first_name " + columnType() + ", last_name " + columnType()
                    + ", email " + columnType() + ", phone " + columnType() + ", street " + columnType() + ", city " + columnType()
                    + ", zip " + columnType() + ", company " + columnType() + ", birth_date " + columnType() + ")");
        }
        List<GeneratedContact> all = ContactGenerator.generate(seed, ContactMix.CRM, FIRST + MORE);
        insert(seed, all.subList(0, FIRST));
        Path sync = syncFile(seed);

        // (1) a first load with duplicates: the dry run creates no table
        assertThat(dump(seed).values()).containsOnly("missing");
        Map<String, Long> first = dryRunThenRun(seed, sync);
        assertThat(first.get("merged")).isPositive();
        assertThat(first.get("inserted") + first.get("merged")).isEqualTo(FIRST);

        // (2) the unchanged source: nothing inserted or merged, everything unchanged
        assertThat(dryRunThenRun(seed, sync)).isEqualTo(Map.of("inserted", 0L, "updated", 0L, "unchanged", (long) FIRST, "merged", 0L));

        // (3) new records (new people and duplicates of existing masters) and a few changed ones
        insert(seed, all.subList(FIRST, FIRST + MORE));
        try (Connection c = connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + source(seed) + " SET city = 'Changed' WHERE id IN (3, 30, 300)");
        }
        Map<String, Long> third = dryRunThenRun(seed, sync);
        assertThat(third.get("merged")).isPositive();
        assertThat(third.get("inserted")).isPositive();
        assertThat(third.get("updated")).isEqualTo(3);
    }
}
