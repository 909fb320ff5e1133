package dev.ferry.core;

import dev.ferry.core.transform.FieldMapping;
import dev.ferry.core.transform.FieldRule;
import dev.ferry.core.transform.TransformSpec;
import dev.ferry.spi.DeclaredType;
import dev.ferry.testkit.FakeSchema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The transform step in the engine: mapped rows land, rule breakers are skipped with reasons, refused rows fail. */
class EngineTransformTest extends EngineTestSupport {
    static final int N = 400, BATCH = 50;

    static SyncJob transformed(int batchSize) {
        TransformSpec t = new TransformSpec(List.of(
                new FieldMapping("order_id", "id", Optional.empty(), Optional.empty()),
                new FieldMapping("label", "$uppercase(name)", Optional.empty(), Optional.empty()),
                new FieldMapping("qty", "qty", Optional.empty(), Optional.empty()),
                new FieldMapping("cents", "amount * 100", DeclaredType.parse("bigint"), Optional.empty())),
                Map.of(), List.of(),
                List.of(new FieldRule("qty", true, Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                        Optional.of("900"), Optional.empty(), Optional.empty())),
                List.of());
        return job(batchSize).withTransform(t);
    }

    static boolean breaksRule(Object[] r) {
        return r[FakeSchema.QTY] == null || (Integer) r[FakeSchema.QTY] > 900;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void mapsValidatesSkipsWithReasonsAndReplaysOnlyFailedRecords(long seed) {
        List<Object[]> rows = load(seed, N);
        long skipped = rows.stream().filter(EngineTransformTest::breaksRule).count();
        // the destination refuses some rows that pass the rules
        dest.poison("order_id", v -> (Long) v % 37 == 0);
        long failed = rows.stream().filter(r -> !breaksRule(r) && (Long) r[FakeSchema.ID] % 37 == 0).count();
        assertThat(skipped).isPositive();
        assertThat(failed).isPositive();

        RunInfo r = run(transformed(BATCH));
        assertThat(r.status()).isEqualTo(RunStatus.PARTIAL);
        Counters c = r.counters();
        assertThat(c.processed()).isEqualTo(N);
        assertThat(c.skipped()).isEqualTo(skipped);
        assertThat(c.failed()).isEqualTo(failed);
        assertThat(c.inserted()).isEqualTo(N - skipped - failed);
        // mapped rows, with the mapped schema
        for (Object[] src : rows) {
            Optional<Object[]> d = dest.get(src[FakeSchema.ID]);
            if (breaksRule(src) || (Long) src[FakeSchema.ID] % 37 == 0) {
                assertThat(d).as("id %s", src[FakeSchema.ID]).isEmpty();
                continue;
            }
            assertThat(d).hasValueSatisfying(row -> assertThat(row).containsExactly(src[FakeSchema.ID],
                    src[FakeSchema.NAME] == null ? null : ((String) src[FakeSchema.NAME]).toUpperCase(java.util.Locale.ROOT),
                    src[FakeSchema.QTY], ((BigDecimal) src[FakeSchema.AMOUNT]).movePointRight(2).longValueExact()));
        }
        List<DeadLetter> letters = store.allDeadLetters();
        assertThat(letters.stream().filter(DeadLetter::skipped)).hasSize((int) skipped).allSatisfy(l -> {
            assertThat(l.field()).contains("qty");
            assertThat(l.rule()).hasValueSatisfying(rule -> assertThat(rule).isIn("required", "max"));
            assertThat(l.reason()).contains("qty");
            assertThat(l.payload()).containsKeys("id", "name", "qty"); // the source record, to fix and re-run
        });
        assertThat(letters.stream().filter(l -> !l.skipped())).hasSize((int) failed);
        @SuppressWarnings("unchecked")
        Map<String, Object> byRule = (Map<String, Object>) r.stats().get("skippedByRule");
        assertThat(byRule.values().stream().mapToLong(v -> ((Number) v).longValue()).sum()).isEqualTo(skipped);

        // replay re-sends the refused records only; the skipped ones stay, unresolved
        dest.noPoison();
        RunInfo replayed = engine.replay(r.runId(), transformed(BATCH));
        assertThat(replayed.counters().failed()).isZero();
        assertThat(replayed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(replayed.message()).hasValueSatisfying(m -> assertThat(m).contains(failed + " landed"));
        assertThat(store.deadLetters(r.runId())).hasSize((int) skipped).allMatch(DeadLetter::skipped);
        assertThat(dest.size()).isEqualTo(N - skipped);

        // a re-run changes nothing and skips the same records again, without duplicating their letters
        RunInfo again = run(transformed(BATCH));
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(again.counters().unchanged()).isEqualTo(N - skipped);
        assertThat(again.counters().skipped()).isEqualTo(skipped);
        assertThat(again.message()).hasValueSatisfying(m -> assertThat(m).contains("ferry status " + again.runId()));
        assertThat(store.allDeadLetters().stream().filter(l -> l.skipped() && l.resolvedAt().isEmpty())).hasSize((int) skipped);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> tables = (Map<String, Map<String, Object>>) again.stats().get("tables");
        assertThat(tables.get("dst.orders")).containsEntry("unchanged", N - skipped);
    }

    @Test
    void aMappingThatDoesNotFitTheSourceFailsBeforeWritingAsAConfigError() {
        load(4, 20);
        TransformSpec t = new TransformSpec(List.of(
                new FieldMapping("order_id", "id", Optional.empty(), Optional.empty()),
                new FieldMapping("mail", "$lowercase(email)", Optional.empty(), Optional.empty()),
                new FieldMapping("who", "customer", Optional.empty(), Optional.empty())), Map.of(), List.of(), List.of(), List.of());
        RunInfo r = run(job(10).withTransform(t));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.stats()).containsEntry("configError", true);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).contains("'email'", "'customer'"));
        assertThat(dest.writeCalls()).isZero();
    }
}
