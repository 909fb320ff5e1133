package dev.ferry.store;

import dev.ferry.core.bidi.BaseRow;
import dev.ferry.core.bidi.BidiStore;
import dev.ferry.core.bidi.Conflict;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bidirectional state (migration V4) on each database: base, side cursors, conflicts and the manual queue. */
abstract class BidiStoreContract {
    JdbcStateStore state;
    BidiStore store;
    final String sync = "bd-" + UUID.randomUUID().toString().substring(0, 8);
    final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

    abstract String url();

    String user() {
        return null;
    }

    @BeforeEach
    void open() {
        state = JdbcStateStore.open(url(), user(), null);
        store = state.bidi().orElseThrow();
    }

    @AfterEach
    void close() {
        store.dropSync(sync);
        state.close();
    }

    @Test
    void baseRowsKeepNullsEmptyStringsAndCaseDistinctKeys() {
        List<String> values = new ArrayList<>(Arrays.asList("x", null, "", "ünï\tcödé|\\"));
        store.commit(sync, List.of(new BaseRow("k1", values), new BaseRow("K1", List.of("upper")), new BaseRow("gone", List.of("1"))),
                List.of(), List.of());
        store.commit(sync, List.of(new BaseRow("k1", values)), List.of("gone"), List.of());
        Map<String, BaseRow> got = store.base(sync, List.of("k1", "K1", "gone", "never"));
        assertThat(got).containsOnlyKeys("k1", "K1");
        assertThat(got.get("k1").values()).containsExactlyElementsOf(values);
        assertThat(store.baseKeys(sync)).containsExactlyInAnyOrder("k1", "K1");
        assertThat(store.baseSize(sync)).isEqualTo(2);
    }

    @Test
    void manyKeysAreLookedUpInChunks() {
        List<BaseRow> rows = new ArrayList<>();
        for (int i = 0; i < 1234; i++) rows.add(new BaseRow("key" + i, List.of(String.valueOf(i))));
        store.commit(sync, rows, List.of(), List.of());
        assertThat(store.base(sync, rows.stream().map(BaseRow::key).toList())).hasSize(1234);
    }

    @Test
    void cursorsAreSavedAndReset() {
        store.saveCursors(sync, Map.of("a", "2024-01-01T00:00:00Z", "b", "17"));
        assertThat(store.cursors(sync)).containsEntry("a", "2024-01-01T00:00:00Z").containsEntry("b", "17");
        store.saveCursors(sync, Map.of("a", "2025"));
        assertThat(store.cursors(sync)).containsOnlyKeys("a");
        store.resetCursors(sync);
        assertThat(store.cursors(sync)).isEmpty();
    }

    Conflict pending(String key, String a, String b) {
        return new Conflict(0, sync, "run-1", key, "name", Optional.of("base"), Optional.of(a), Optional.of(b), "manual",
                Conflict.Status.PENDING, Optional.empty(), Optional.empty(), now, Optional.empty());
    }

    @Test
    void onePendingRecordPerKeyAndFieldAndAPersonResolvesIt() {
        store.commit(sync, List.of(), List.of(), List.of(pending("k", "a1", "b1")));
        store.commit(sync, List.of(), List.of(), List.of(pending("k", "a2", "b2"))); // a re-run finds it again
        List<Conflict> open = store.conflicts(Optional.of(sync), Optional.of(Conflict.Status.PENDING), 10);
        assertThat(open).hasSize(1);
        Conflict c = open.get(0);
        assertThat(c.aValue()).contains("a2");
        assertThat(c.base()).contains("base");
        assertThat(c.detectedAt()).isEqualTo(now);

        store.resolve(c.id(), Optional.of("chosen"), "user:ann", now);
        Conflict r = store.conflict(c.id()).orElseThrow();
        assertThat(r.status()).isEqualTo(Conflict.Status.RESOLVED);
        assertThat(r.awaitingApply()).isTrue();
        assertThat(r.resolution()).contains("chosen");
        assertThatThrownBy(() -> store.resolve(c.id(), Optional.empty(), "user:bob", now)).isInstanceOf(SyncException.class)
                .hasMessageContaining("not waiting");

        store.commit(sync, List.of(), List.of(), List.of(new Conflict(c.id(), sync, "run-2", "k", "name", c.base(), c.aValue(),
                c.bValue(), "manual", Conflict.Status.APPLIED, r.resolution(), r.resolvedBy(), c.detectedAt(), Optional.of(now))));
        assertThat(store.conflict(c.id()).orElseThrow().status()).isEqualTo(Conflict.Status.APPLIED);
        Conflict byRule = new Conflict(0, sync, "run-3", "k2", "qty", Optional.empty(), Optional.of("1"), Optional.of("2"), "a_wins",
                Conflict.Status.APPLIED, Optional.of("1"), Optional.of("rule:a_wins"), now, Optional.of(now));
        store.commit(sync, List.of(), List.of(), List.of(byRule));
        store.commit(sync, List.of(), List.of(), List.of(byRule)); // the same conflict found again by a re-run
        assertThat(store.conflicts(Optional.of(sync), Optional.empty(), 10)).hasSize(2).first()
                .satisfies(x -> assertThat(x.resolvedBy()).contains("rule:a_wins"));
        assertThat(store.conflicts(Optional.of(sync), Optional.empty(), 1)).hasSize(1);
    }

    @Test
    void aDecisionIsJournalledWithItsIdAndTurnsAppliedWithTheBase() {
        Conflict decided = new Conflict(0, sync, "run-1", "k3", "note", Optional.of("n"), Optional.of("a"), Optional.of("b"), "merge",
                Conflict.Status.DECIDED, Optional.of("a | b"), Optional.of("rule:merge"), now, Optional.of(now));
        Conflict other = new Conflict(0, sync, "run-1", "k4", "note", Optional.empty(), Optional.of("x"), Optional.of("y"), "a_wins",
                Conflict.Status.DECIDED, Optional.of("x"), Optional.of("rule:a_wins"), now, Optional.of(now));
        List<Conflict> stored = store.commit(sync, List.of(), List.of(), List.of(decided, other));
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).id()).isPositive();
        assertThat(stored.get(1).id()).isPositive().isNotEqualTo(stored.get(0).id());
        assertThat(stored.get(0).key()).isEqualTo("k3");
        assertThat(store.conflict(stored.get(0).id()).orElseThrow().status()).isEqualTo(Conflict.Status.DECIDED);

        // a re-run after a crash that finds the same decision again gets the same record, not a second one
        List<Conflict> again = store.commit(sync, List.of(), List.of(), List.of(decided));
        assertThat(again.get(0).id()).isEqualTo(stored.get(0).id());
        assertThat(store.conflicts(Optional.of(sync), Optional.of(Conflict.Status.DECIDED), 10)).hasSize(2);

        // the step's base commit turns it applied, in the same transaction as the base row
        Conflict s0 = stored.get(0);
        store.commit(sync, List.of(new BaseRow("k3", List.of("a | b"))), List.of(), List.of(new Conflict(s0.id(), sync, s0.runId(), s0.key(),
                s0.field(), s0.base(), s0.aValue(), s0.bValue(), s0.strategy(), Conflict.Status.APPLIED, s0.resolution(), s0.resolvedBy(),
                s0.detectedAt(), s0.resolvedAt())));
        assertThat(store.conflict(s0.id()).orElseThrow().status()).isEqualTo(Conflict.Status.APPLIED);
        assertThat(store.conflict(s0.id()).orElseThrow().resolution()).contains("a | b");
        assertThat(store.base(sync, List.of("k3")).get("k3").values()).containsExactly("a | b");
        assertThat(store.conflicts(Optional.of(sync), Optional.of(Conflict.Status.DECIDED), 10)).extracting(Conflict::key).containsExactly("k4");
    }
}
