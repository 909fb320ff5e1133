package dev.ferry.connectors.jdbc;

import dev.ferry.quality.ContactRules;
import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.contacts.ContactGenerator;
import dev.ferry.testkit.contacts.ContactMix;
import dev.ferry.testkit.contacts.DedupEvaluation;
import dev.ferry.testkit.contacts.GeneratedContact;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dedup writer on one database: masters, lineage and blocking index, against the clustering it must give. */
abstract class DedupWriterChecks {
    static final Schema CONTACTS = new Schema(List.of(Column.of("id", ColumnType.BIGINT).withNullable(false),
            Column.of("first_name", ColumnType.TEXT), Column.of("last_name", ColumnType.TEXT), Column.of("email", ColumnType.TEXT),
            Column.of("phone", ColumnType.TEXT), Column.of("street", ColumnType.TEXT), Column.of("city", ColumnType.TEXT),
            Column.of("zip", ColumnType.TEXT), Column.of("company", ColumnType.TEXT), Column.of("birth_date", ColumnType.TEXT)));

    abstract Db db();

    static List<Object[]> rows(List<GeneratedContact> contacts) {
        List<Object[]> out = new ArrayList<>();
        for (GeneratedContact c : contacts) {
            out.add(new Object[]{c.id(), c.firstName(), c.lastName(), c.email(), c.phone(), c.street(), c.city(), c.zip(),
                    c.company(), c.birthDate()});
        }
        return out;
    }

    ConnectorConfig config(String table, Map<String, Object> dedup) {
        Map<String, Object> v = new LinkedHashMap<>(db().config("destination", table).values());
        v.put("dedup", dedup);
        return new ConnectorConfig("destination", v);
    }

    static WriteResult writeAll(Destination d, List<Object[]> rows, int batchSize, boolean fresh) {
        WriteResult total = WriteResult.NONE;
        try (DestinationWriter w = d.open(CONTACTS, new WriteSpec("", List.of("id"), WriteMode.UPSERT, "dedup_test", fresh))) {
            for (int i = 0, seq = 0; i < rows.size(); i += batchSize, seq++) {
                total = total.plus(w.write(new Batch(seq, CONTACTS, rows.subList(i, Math.min(rows.size(), i + batchSize)), "p" + seq, 0)));
            }
        }
        return total;
    }

    /** master key of every linked source key */
    Map<Long, Long> links(String table) {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = db().connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT source_key, master_key FROM " + db().dialect().qualifiedTable(db().table(table + "__links"), "t"))) {
            while (rs.next()) out.put(Long.parseLong(rs.getString(1)), Long.parseLong(rs.getString(2)));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The masters, read back independently of the writer. */
    List<Object[]> readContacts(String table) {
        return db().rows(table, CONTACTS);
    }

    Set<Long> masters(String table) {
        Set<Long> out = new HashSet<>();
        for (Object[] r : readContacts(table)) out.add(((Number) r[0]).longValue());
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22})
    void mastersAndLinksAreTheClustersOfTheRules(long seed) {
        String table = "contacts_" + seed;
        db().drop(table);
        db().drop(table + "__links");
        db().drop(table + "__match_keys");
        List<GeneratedContact> contacts = ContactGenerator.generate(seed, ContactMix.CRM, 1200);
        List<Object[]> rows = rows(contacts);
        try (Destination d = new JdbcDestinationFactory().open(config(table, Map.of("preset", "contacts")))) {
            WriteResult first = writeAll(d, rows, 150, true);
            int[] cluster = DedupEvaluation.clusters(ContactRules.defaults(), contacts);
            Map<Integer, Long> masterOfCluster = new HashMap<>();
            Map<Long, Long> links = links(table);
            assertThat(links).hasSize(contacts.size());
            for (int i = 0; i < contacts.size(); i++) {
                Long m = links.get(contacts.get(i).id());
                Long prev = masterOfCluster.putIfAbsent(cluster[i], m);
                assertThat(m).as("record %s is in the master of its cluster", contacts.get(i).id()).isEqualTo(prev == null ? m : prev);
            }
            assertThat(new HashSet<>(masterOfCluster.values())).as("one master per cluster").hasSize(masterOfCluster.size());
            assertThat(masters(table)).isEqualTo(new HashSet<>(masterOfCluster.values()));
            assertThat(first.merged()).isGreaterThan(100);
            assertThat(first.inserted() + first.merged()).isEqualTo(contacts.size());

            // a re-run of the unchanged source changes nothing
            Set<Long> before = masters(table);
            WriteResult again = writeAll(d, rows, 150, false);
            assertThat(again).isEqualTo(new WriteResult(0, 0, contacts.size(), 0));
            assertThat(masters(table)).isEqualTo(before);
            assertThat(links(table)).isEqualTo(links);
        }
    }

    @Test
    void lineageNamesRuleScoreAndSystem() {
        String table = "lineage";
        db().drop(table);
        db().drop(table + "__links");
        db().drop(table + "__match_keys");
        List<Object[]> rows = List.of(
                new Object[]{1L, "Robert", "Müller", "rob@x.com", null, null, "Boston", null, null, null},
                new Object[]{2L, "Bob", "Mueller", "ROB@x.com", "(617) 555-0101", null, null, null, "Acme", null},
                new Object[]{3L, "Kate", "Jones", null, "(212) 555-0142", null, null, null, null, null},
                new Object[]{4L, "Katherine", "Jones", "kj@y.com", null, null, null, null, null, null});
        try (Destination d = new JdbcDestinationFactory().open(config(table, Map.of("preset", "contacts", "system", "crm")))) {
            assertThat(writeAll(d, rows, 10, true)).isEqualTo(new WriteResult(3, 0, 0, 1));
            // record 5 joins master 3 (phone) and master 4 (e-mail): one master remains, 4's lineage moves to 3
            WriteResult r = writeAll(d, List.<Object[]>of(new Object[]{5L, "Kathy", "Jones", "kj@y.com", "212-555-0142", null, null, null, null, null}), 10, false);
            assertThat(r.merged()).isEqualTo(1);
            assertThat(masters(table)).containsExactlyInAnyOrder(1L, 3L);
            assertThat(links(table)).containsEntry(4L, 3L).containsEntry(5L, 3L).containsEntry(2L, 1L);
            try (Connection c = db().connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT source_system, match_rule, score FROM "
                         + db().dialect().qualifiedTable(db().table(table + "__links"), "t") + " WHERE source_key = '2'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("crm");
                assertThat(rs.getString(2)).isEqualTo("email");
                assertThat(rs.getDouble(3)).isEqualTo(1.0);
            }
            // merge_fields: the master keeps key 1, takes the newer non-empty values
            Object[] master = readContacts(table).stream().filter(x -> ((Number) x[0]).longValue() == 1L).findFirst().orElseThrow();
            assertThat(master[1]).isEqualTo("Bob");
            assertThat(master[6]).isEqualTo("Boston");
            assertThat(master[8]).isEqualTo("Acme");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The blocking keys filed for each source key. */
    Map<String, Set<String>> matchKeys(String table) {
        Map<String, Set<String>> out = new HashMap<>();
        try (Connection c = db().connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT block_key, source_key FROM " + db().dialect().qualifiedTable(db().table(table + "__match_keys"), "t"))) {
            while (rs.next()) out.computeIfAbsent(rs.getString(2), k -> new HashSet<>()).add(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void anUpdatedRecordsBlockingKeysReplaceItsOldOnes() {
        String table = "rekeyed";
        db().drop(table);
        db().drop(table + "__links");
        db().drop(table + "__match_keys");
        try (Destination d = new JdbcDestinationFactory().open(config(table, Map.of("preset", "contacts")))) {
            writeAll(d, List.<Object[]>of(new Object[]{1L, "Ann", "Lee", "ann@x.com", "(617) 555-0101", null, null, null, null, null},
                    new Object[]{2L, "Tom", "Fox", "tom@y.com", null, null, null, null, null, null}), 10, true);
            assertThat(matchKeys(table).get("1")).containsExactlyInAnyOrder("email:ann@x.com", "phone:+16175550101");
            // a new e-mail, no phone: the old keys go, the new one comes, the other record's stay
            WriteResult r = writeAll(d, List.<Object[]>of(new Object[]{1L, "Ann", "Lee", "ann@new.com", null, null, null, null, null, null}), 10, false);
            assertThat(r.updated()).isEqualTo(1);
            assertThat(matchKeys(table)).containsEntry("1", Set.of("email:ann@new.com")).containsEntry("2", Set.of("email:tom@y.com"));
            // and a record with the old e-mail no longer finds Ann through it
            writeAll(d, List.<Object[]>of(new Object[]{3L, "Ann", "Lee", "ann@x.com", null, null, null, null, null, null}), 10, false);
            assertThat(links(table)).containsEntry(3L, 3L);
        }
    }

    @Test
    void rulesThatReadMissingColumnsAreAConfigError() {
        Map<String, Object> dedup = Map.of("rules", List.of(Map.of("name", "x", "field", "mail", "match", "exact")),
                "blocking", List.of(Map.of("name", "m", "parts", List.of(Map.of("field", "mail")))));
        try (Destination d = new JdbcDestinationFactory().open(config("badrules", dedup))) {
            assertThatThrownBy(() -> d.open(CONTACTS, new WriteSpec("", List.of("id"), WriteMode.APPEND, "t", true)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("destination.mode: dedup writes in upsert mode")
                    .hasMessageContaining("dedup.rules: fields [mail] are not columns of the source");
        }
    }
}
