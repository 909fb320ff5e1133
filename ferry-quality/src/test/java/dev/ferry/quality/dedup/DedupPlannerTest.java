package dev.ferry.quality.dedup;

import dev.ferry.quality.ContactRules;
import dev.ferry.spi.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DedupPlannerTest {
    private static final List<String> COLUMNS = List.of("id", "first_name", "last_name", "email", "phone", "city", "company");

    private static Object[] row(long id, String first, String last, String email, String phone, String city, String company) {
        return new Object[]{id, first, last, email, phone, city, company};
    }

    private static MemoryDedupIndex index(Strategy strategy) {
        return new MemoryDedupIndex(new DedupPlanner(ContactRules.defaults(), strategy, COLUMNS, new int[]{0}));
    }

    @Test
    void withinBatchAndAgainstStoredMasters() {
        MemoryDedupIndex db = index(Strategy.MERGE_FIELDS);
        DedupPlan p1 = db.write(List.<Object[]>of(
                row(1, "Robert", "Müller", "rob@x.com", null, "Boston", null),
                row(2, "Bob", "Mueller", "ROB@x.com", "(617) 555-0101", null, "Acme"),
                row(3, "Anna", "Müller", "anna@x.com", "(617) 555-0101", "Boston", null)));
        assertThat(p1.inserted()).isEqualTo(2);
        assertThat(p1.merged()).isEqualTo(1);
        assertThat(db.masters).containsOnlyKeys("1", "3");
        // merge_fields: the master keeps its key, newer non-empty values win, empty ones do not erase
        assertThat(db.masters.get("1")).containsExactly(1L, "Bob", "Mueller", "ROB@x.com", "(617) 555-0101", "Boston", "Acme");
        assertThat(db.links.get("2").masterKey()).isEqualTo("1");
        assertThat(db.links.get("2").rule()).isEqualTo("email");

        DedupPlan p2 = db.write(List.<Object[]>of(row(4, "Rob", "Muller", null, "+1 617 555 0101", null, null)));
        assertThat(p2.merged()).isEqualTo(1);
        assertThat(db.links.get("4").masterKey()).isEqualTo("1");
        assertThat(db.links.get("4").rule()).isEqualTo("phone_name");
    }

    @Test
    void rerunOfTheSameRowsIsUnchangedAndCreatesNothing() {
        MemoryDedupIndex db = index(Strategy.MERGE_FIELDS);
        List<Object[]> rows = List.<Object[]>of(row(1, "Robert", "Smith", "rs@x.com", null, null, null),
                row(2, "Bob", "Smith", "rs@x.com", null, null, null), row(3, "Jane", "Doe", "jd@y.com", null, null, null));
        db.write(rows);
        var masters = new ArrayList<>(db.masters.keySet());
        DedupPlan again = db.write(rows);
        assertThat(again.unchanged()).isEqualTo(3);
        assertThat(again.inserted() + again.merged() + again.updated() + again.mastersRemoved()).isZero();
        assertThat(again.upsertMasters()).isEmpty();
        assertThat(again.links()).isEmpty();
        assertThat(db.masters.keySet()).containsExactlyElementsOf(masters);
    }

    @Test
    void twoMastersJoinedThroughANewRecord() {
        MemoryDedupIndex db = index(Strategy.MERGE_FIELDS);
        db.write(List.<Object[]>of(row(10, "Katherine", "Jones", "kate@x.com", null, null, null),
                row(20, "Kate", "Jones", null, "(212) 555-0142", null, "Globex")));
        assertThat(db.masters).containsOnlyKeys("10", "20");
        // the same e-mail as master 10 and the same phone as master 20: one person
        DedupPlan p = db.write(List.<Object[]>of(row(30, "Kathy", "Jones", "kate@x.com", "212-555-0142", null, null)));
        assertThat(p.merged()).isEqualTo(1);
        assertThat(p.mastersRemoved()).isEqualTo(1);
        assertThat(db.masters).containsOnlyKeys("10");
        assertThat(db.masters.get("10")[6]).isEqualTo("Globex"); // the removed master's values were folded in
        assertThat(db.links.values()).allMatch(l -> l.masterKey().equals("10"));
        assertThat(db.links).containsOnlyKeys("10", "20", "30");
    }

    @Test
    void changedRecordUpdatesItsMaster() {
        MemoryDedupIndex db = index(Strategy.MERGE_FIELDS);
        db.write(List.<Object[]>of(row(1, "Jane", "Doe", "jd@y.com", null, null, null), row(2, "Jane", "Doe", "jd@y.com", null, "Paris", null)));
        DedupPlan p = db.write(List.<Object[]>of(row(2, "Jane", "Doe", "jd@y.com", null, "Lyon", null)));
        assertThat(p.updated()).isEqualTo(1);
        assertThat(db.masters).containsOnlyKeys("1");
        assertThat(db.masters.get("1")[5]).isEqualTo("Lyon");
    }

    @Test
    void strategies() {
        Object[] base = {1L, "Jane", null, "jd@y.com"};
        Object[] newer = {2L, "Janet", "Doe", ""};
        assertThat(Strategy.MERGE_FIELDS.apply(base, newer, new int[]{0})).containsExactly(1L, "Janet", "Doe", "jd@y.com");
        assertThat(Strategy.KEEP_FIRST.apply(base, newer, new int[]{0})).containsExactly(1L, "Jane", null, "jd@y.com");
        // both have 3 non-empty values (key included): a tie goes to the newer row
        assertThat(Strategy.KEEP_MOST_COMPLETE.apply(base, newer, new int[]{0})).containsExactly(1L, "Janet", "Doe", "");
        Object[] sparse = {3L, "J", null, null};
        assertThat(Strategy.KEEP_MOST_COMPLETE.apply(base, sparse, new int[]{0})).containsExactly(1L, "Jane", null, "jd@y.com");
    }

    @Test
    void keepFirstOnlyAddsLineage() {
        MemoryDedupIndex db = index(Strategy.KEEP_FIRST);
        db.write(List.<Object[]>of(row(1, "Robert", "Smith", "rs@x.com", null, null, null)));
        db.write(List.<Object[]>of(row(2, "Bob", "Smith", "rs@x.com", "(617) 555-0101", "Boston", null)));
        assertThat(db.masters.get("1")).containsExactly(1L, "Robert", "Smith", "rs@x.com", null, null, null);
        assertThat(db.links.get("2").masterKey()).isEqualTo("1");
    }

    @Test
    void hardNegativesStayApart() {
        MemoryDedupIndex db = index(Strategy.MERGE_FIELDS);
        db.write(List.<Object[]>of(row(1, "Peter", "Schmidt", "info@acme.com", "(312) 555-0110", "Chicago", "Acme"),
                row(2, "Anna", "Schmidt", "info@acme.com", "(312) 555-0110", "Chicago", "Acme"),
                row(3, "John", "Smith", "js1@a.com", null, "New York", null),
                row(4, "John", "Smith", "js2@b.com", null, "New York", null)));
        assertThat(db.masters).hasSize(4);
    }

    @Test
    void settingsValidateEveryProblemAtOnce() {
        assertThatThrownBy(() -> DedupSettings.require(Map.of("preset", "people", "strategy", "newest", "region", "XX", "colour", 1), "dedup"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "dedup.colour: unknown key; known keys here are [blocking, nicknames, preset, region, roleMailboxes, rules, strategy, system]",
                        "dedup.region: 'XX' is not a region code; use a two-letter code such as US, GB or DE",
                        "dedup.preset: 'people' is not a preset; use contacts, or give rules: and blocking:",
                        "dedup.strategy: 'newest' is not a strategy; use merge_fields, keep_first or keep_most_complete"));
        DedupSettings s = DedupSettings.require(Map.of("preset", "contacts", "strategy", "keep_most_complete", "region", "DE",
                "nicknames", Map.of("robert", List.of("bobbo"))), "dedup");
        assertThat(s.strategy()).isEqualTo(Strategy.KEEP_MOST_COMPLETE);
        assertThat(DedupPlanner.missingFields(s.rules(), List.of("ID", "First_Name", "last_name", "email")))
                .containsExactlyInAnyOrder("phone", "street", "city", "zip", "birth_date");
    }
}
