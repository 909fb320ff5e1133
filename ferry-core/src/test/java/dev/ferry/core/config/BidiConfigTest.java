package dev.ferry.core.config;

import dev.ferry.core.bidi.BidiJob;
import dev.ferry.spi.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** direction: bidirectional in the sync file: a full example, defaults, and every problem reported at once. */
class BidiConfigTest {
    SyncFileLoader loader = new SyncFileLoader(SyncFileLoaderTest.CONNECTORS, Map.<String, String>of()::get);

    SyncFile parse(String yaml) {
        return loader.parse(yaml, Path.of("."), "crm.yaml");
    }

    @Test
    void readsBothSidesStrategiesAndRules() {
        SyncFile f = parse("""
                name: crm-erp
                direction: bidirectional
                a: {type: postgres, url: "jdbc:postgresql://h/db", table: crm.contacts, key: [id], cursor: updated_at}
                b: {type: h2, url: "jdbc:h2:mem:x", table: contacts, key: id, modifiedAt: changed}
                conflicts:
                  strategy: newest_wins
                  ties: b
                  fields: {notes: merge, status: manual, email: field_owner}
                  owners: {email: a}
                  merge: {numbers: sum_of_changes, text: concat, sets: [tags]}
                deletions: propagate
                exclude: [internal_note]
                """);
        assertThat(f.bidirectional()).isTrue();
        BidiJob j = f.bidi().orElseThrow();
        assertThat(j.a().cursor()).contains("updated_at");
        assertThat(j.a().modifiedAt()).contains("updated_at");
        assertThat(j.b().modifiedAt()).contains("changed");
        assertThat(j.b().key()).containsExactly("id");
        assertThat(j.conflicts().strategyFor("NOTES")).isEqualTo(BidiJob.Strategy.MERGE);
        assertThat(j.conflicts().strategyFor("other")).isEqualTo(BidiJob.Strategy.NEWEST_WINS);
        assertThat(j.conflicts().ties()).isEqualTo("b");
        assertThat(j.conflicts().ownerOf("email")).isEqualTo("a");
        assertThat(j.conflicts().numbers()).isEqualTo(BidiJob.NumberMerge.SUM_OF_CHANGES);
        assertThat(j.conflicts().isSet("tags")).isTrue();
        assertThat(j.deletions()).isEqualTo(BidiJob.DeletionRule.PROPAGATE);
        assertThat(j.exclude()).containsExactly("internal_note");
        assertThat(f.job().name()).isEqualTo("crm-erp");
    }

    @Test
    void defaultsAreManualAndReport() {
        BidiJob j = parse("""
                direction: bidirectional
                a: {type: postgres, url: u, table: t1, key: [id]}
                b: {type: postgres, url: u, table: t2, key: [id]}
                """).bidi().orElseThrow();
        assertThat(j.conflicts().strategy()).isEqualTo(BidiJob.Strategy.MANUAL);
        assertThat(j.deletions()).isEqualTo(BidiJob.DeletionRule.REPORT);
    }

    @Test
    void everyProblemAtOnceWithItsKeyPath() {
        assertThatThrownBy(() -> parse("""
                direction: bidirectional
                source: {type: postgres, url: u}
                a: {type: postgres, table: t1, key: [id], query: "select 1"}
                b: {type: nosuch, url: u, table: t2}
                conflicts: {strategy: loudest, ties: c, fields: {x: newest_wins}, merge: {numbers: avg}}
                deletions: sometimes
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("source: not used"))
                .anySatisfy(p -> assertThat(p).startsWith("a.url: required"))
                .anySatisfy(p -> assertThat(p).startsWith("a.query:"))
                .anySatisfy(p -> assertThat(p).startsWith("b.type: 'nosuch' cannot be both read and written"))
                .anySatisfy(p -> assertThat(p).startsWith("conflicts.strategy: 'loudest' is not a strategy"))
                .anySatisfy(p -> assertThat(p).startsWith("conflicts.ties: 'c' is not a side"))
                .anySatisfy(p -> assertThat(p).startsWith("conflicts.merge.numbers: 'avg'"))
                .anySatisfy(p -> assertThat(p).startsWith("deletions: 'sometimes' is not a rule"))
                .anySatisfy(p -> assertThat(p).startsWith("a.modifiedAt: newest_wins needs")));
    }

    @Test
    void bidirectionalKeysInAOneWayFileAreNamed() {
        assertThatThrownBy(() -> parse("""
                source: {type: postgres, url: u, table: t, key: [id]}
                destination: {type: postgres, url: u, table: t2}
                conflicts: a_wins
                direction: sideways
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("conflicts: only used with direction: bidirectional"))
                .anySatisfy(p -> assertThat(p).startsWith("direction: 'sideways' is not a direction")));
    }
}
