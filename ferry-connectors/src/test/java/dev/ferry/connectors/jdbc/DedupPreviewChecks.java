package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Schema;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.RowChange;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WritePreview;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.contacts.ContactGenerator;
import dev.ferry.testkit.contacts.ContactMix;
import dev.ferry.testkit.contacts.GeneratedContact;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The preview (dry run) of a dedup sync on one database: batch by batch through the run's planner, it reports the
 * counts the real run that follows reports (a first load with duplicates, an unchanged source, new records and
 * duplicates of existing masters, changed records and records that join two masters), its sample changes end
 * where the run leaves the masters, and it leaves the masters, lineage and blocking index exactly as they were.
 */
abstract class DedupPreviewChecks {
    static final Schema CONTACTS = DedupWriterChecks.CONTACTS;
    static final int BATCH = 150;

    abstract Db db();

    static List<Object[]> rows(List<GeneratedContact> contacts) {
        return DedupWriterChecks.rows(contacts);
    }

    static WriteResult writeAll(Destination d, List<Object[]> rows, int batchSize, boolean fresh) {
        return DedupWriterChecks.writeAll(d, rows, batchSize, fresh);
    }

    ConnectorConfig config(String table, Map<String, Object> dedup) {
        Map<String, Object> v = new LinkedHashMap<>(db().config("destination", table).values());
        v.put("dedup", dedup);
        return new ConnectorConfig("destination", v);
    }

    /** The masters, read back independently of the writer. */
    List<Object[]> readContacts(String table) {
        return db().rows(table, CONTACTS);
    }

    java.util.Set<Long> masters(String table) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        for (Object[] r : readContacts(table)) out.add(((Number) r[0]).longValue());
        return out;
    }

    static WritePreview previewAll(Destination d, List<Object[]> rows) {
        WriteResult total = WriteResult.NONE;
        List<RowChange> changes = new ArrayList<>();
        try (DestinationWriter w = d.openPreview(CONTACTS, new WriteSpec("", List.of("id"), WriteMode.UPSERT, "dedup_test", false))) {
            for (int i = 0, seq = 0; i < rows.size(); i += BATCH, seq++) {
                WritePreview p = w.preview(new Batch(seq, CONTACTS, rows.subList(i, Math.min(rows.size(), i + BATCH)), "p" + seq, 0));
                total = total.plus(p.counts());
                changes.addAll(p.changes());
            }
        }
        return new WritePreview(total, changes);
    }

    /** The masters, lineage and index tables: per table its row count and a SHA-256 over its rows in sorted order ("missing"). */
    Map<String, String> dump(String table) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : List.of(table, table + "__links", table + "__match_keys")) {
            try (Connection c = db().connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM " + db().dialect().qualifiedTable(db().table(t), "t"))) {
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
                out.put(t, rows.size() + " rows, " + HexFormat.of().formatHex(md.digest()));
            } catch (SQLException e) {
                if (!Jdbc.isMissingTable(e)) throw new IllegalStateException(e);
                out.put(t, "missing");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    void dropAll(String table) {
        db().drop(table);
        db().drop(table + "__links");
        db().drop(table + "__match_keys");
    }

    /** The preview's counts, then the run's: they must agree, and the preview must leave every table as it was. */
    WriteResult previewThenRun(Destination d, String table, List<Object[]> rows, boolean fresh) {
        Map<String, String> before = dump(table);
        WritePreview preview = previewAll(d, rows);
        assertThat(dump(table)).as("the tables after the preview").isEqualTo(before);
        WriteResult run = writeAll(d, rows, BATCH, fresh);
        assertThat(preview.counts()).as("the preview's counts against the run's").isEqualTo(run);
        assertSamplesEndWhereTheRunLeavesTheMasters(table, preview);
        return run;
    }

    /**
     * Each master the preview changed: its row after the preview's last change of it is the row the run left (for
     * masters not merged away since). Samples count: inserted as kind inserted, never a change before it.
     */
    void assertSamplesEndWhereTheRunLeavesTheMasters(String table, WritePreview preview) {
        Map<Long, Object[]> last = new LinkedHashMap<>();
        for (RowChange c : preview.changes()) {
            assertThat(c.kind()).isIn("inserted", "updated", "merged");
            if (c.kind().equals("inserted")) assertThat(c.before()).isEmpty();
            else assertThat(c.before()).as("a merge or update shows the master before it").isPresent();
            last.put(((Number) c.row()[0]).longValue(), c.row());
        }
        Map<Long, Object[]> now = new LinkedHashMap<>();
        for (Object[] r : readContacts(table)) now.put(((Number) r[0]).longValue(), r);
        int compared = 0;
        for (var e : last.entrySet()) {
            Object[] row = now.get(e.getKey());
            if (row == null) continue; // merged away into another master later
            compared++;
            for (int i = 0; i < row.length; i++) {
                assertThat(text(e.getValue()[i])).as("master %s field %s", e.getKey(), CONTACTS.column(i).name()).isEqualTo(text(row[i]));
            }
        }
        assertThat(compared).isEqualTo((int) last.keySet().stream().filter(now::containsKey).count());
    }

    static String text(Object v) {
        return v == null ? null : v instanceof Number n ? String.valueOf(n.longValue()) : Objects.toString(v);
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void previewAgreesWithTheRunFirstLoadUnchangedAndNewRecords(long seed) {
        String table = "dpv_" + seed;
        dropAll(table);
        List<GeneratedContact> all = ContactGenerator.generate(seed, ContactMix.CRM, 1400);
        List<Object[]> first = rows(all.subList(0, 1200));
        try (Destination d = new JdbcDestinationFactory().open(config(table, Map.of("preset", "contacts")))) {
            // (1) a first load with duplicates: nothing exists yet, and nothing is created by the preview
            assertThat(dump(table).values()).containsOnly("missing");
            WriteResult r1 = previewThenRun(d, table, first, true);
            assertThat(r1.merged()).as("the generated set has duplicates").isGreaterThan(50);
            assertThat(r1.inserted() + r1.merged()).isEqualTo(first.size());

            // (2) the unchanged source: all unchanged, in the preview as in the run
            WriteResult r2 = previewThenRun(d, table, first, false);
            assertThat(r2).isEqualTo(new WriteResult(0, 0, first.size(), 0));

            // (3) records with a master's name, a new phone and an address (no e-mail): new masters of their own
            List<Object[]> masters = mastersWithEmailAndName(table).subList(0, 5);
            List<Object[]> loners = new ArrayList<>();
            for (int i = 0; i < masters.size(); i++) {
                Object[] a = masters.get(i);
                loners.add(new Object[]{800_000L + i, a[1], a[2], null, phone(i), (12 + i) + " Preview Lane", "Testville", null, null, null});
            }
            List<Object[]> second = new ArrayList<>(first);
            second.addAll(loners);
            WriteResult r3 = previewThenRun(d, table, second, false);
            assertThat(r3.inserted()).isEqualTo(loners.size());

            // (4) new records (fresh people and duplicates of existing masters), changed records, and first, records
            // that join a master (its e-mail) and a loner (its phone): the loner's master is folded away. Last, in a
            // later batch: the loners without their phone (they match the loner by name and address only, so only
            // through its stored link), which must find that lineage moved to the master as the run moved it
            List<Object[]> third = new ArrayList<>();
            for (int i = 0; i < masters.size(); i++) {
                Object[] a = masters.get(i);
                third.add(new Object[]{900_000L + i, a[1], a[2], a[3], phone(i), null, null, null, null, a[9]});
            }
            third.addAll(second);
            third.addAll(rows(all.subList(1200, 1400)));
            for (int i = 0; i < 10; i++) {
                int at = masters.size() + i * 7;
                Object[] changed = third.get(at).clone();
                changed[6] = "Changed City " + i;
                third.set(at, changed);
            }
            for (Object[] loner : loners) {
                Object[] copy = loner.clone();
                copy[0] = ((Number) loner[0]).longValue() + 50_000L;
                copy[4] = null;
                third.add(copy);
            }
            int mastersBefore = masters(table).size();
            WriteResult r4 = previewThenRun(d, table, third, false);
            assertThat(r4.merged()).as("duplicates of existing masters").isGreaterThanOrEqualTo(2L * loners.size());
            assertThat(r4.inserted()).as("new people").isPositive();
            assertThat(r4.updated()).as("changed records").isEqualTo(10);
            assertThat(mastersBefore + r4.inserted() - masters(table).size()).as("loners' masters folded away").isGreaterThanOrEqualTo(loners.size());
            for (Object[] loner : loners) {
                long key = ((Number) loner[0]).longValue();
                assertThat(links(table)).containsEntry(key + 50_000L, links(table).get(key));
            }

            // and the next preview of that source: all unchanged again
            assertThat(previewAll(d, third).counts()).isEqualTo(new WriteResult(0, 0, third.size(), 0));
        }
    }

    static String phone(int i) {
        return String.format(java.util.Locale.ROOT, "(617) 555-%04d", 9100 + i);
    }

    /** master key of every linked source key */
    Map<Long, Long> links(String table) {
        Map<Long, Long> out = new java.util.HashMap<>();
        try (Connection c = db().connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT source_key, master_key FROM " + db().dialect().qualifiedTable(db().table(table + "__links"), "t"))) {
            while (rs.next()) out.put(Long.parseLong(rs.getString(1)), Long.parseLong(rs.getString(2)));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Masters with an e-mail and both names, by key. */
    List<Object[]> mastersWithEmailAndName(String table) {
        return readContacts(table).stream().filter(r -> r[1] != null && r[2] != null && r[3] != null)
                .sorted(java.util.Comparator.comparingLong(r -> ((Number) r[0]).longValue())).toList();
    }
}
