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
}
