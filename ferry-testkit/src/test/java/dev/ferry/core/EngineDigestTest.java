package dev.ferry.core;

import dev.ferry.testkit.Failure;
import dev.ferry.testkit.FakeSchema;
import dev.ferry.testkit.RowGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Range digests: an unchanged range is neither read nor written again, and nothing a changed range holds is missed. */
class EngineDigestTest extends EngineTestSupport {
    static final int ROWS = 1000, BATCH = 100;

    @BeforeEach
    void digestingSource() {
        source.digests(true);
    }

    @Test
    void unchangedReRunReadsNothing() {
        load(1, ROWS);
        assertThat(run(job(BATCH)).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(store.currentDigests("orders")).hasSize(ROWS / BATCH);
        source.resetCounts();
        dest.resetCounts();

        RunInfo again = run(job(BATCH));
        assertCounters(again, ROWS, ROWS, 0, 0, ROWS, 0);
        assertThat(source.rowsRead()).isZero();
        assertThat(dest.writeCalls()).isZero();
        assertThat(again.stats()).containsEntry("rangesChanged", 0);
        assertThat(store.currentDigests("orders")).hasSize(ROWS / BATCH);
    }

    @Test
    void changedRangesAloneAreReadAndEveryChangeLands() {
        RowGenerator gen = new RowGenerator(2);
        List<Object[]> rows = gen.rows(ROWS);
        source.putAll(rows);
        run(job(BATCH));
        source.resetCounts();

        source.put(gen.touch(rows.get(5)));     // range 0
        source.put(gen.touch(rows.get(555)));   // range 5
        source.put(gen.touch(rows.get(556)));   // range 5 again
        Object[] low = rows.get(0).clone();
        low[FakeSchema.ID] = -10L;              // below every key: range 0
        source.put(low);
        List<Object[]> tail = gen.rows(2);      // above every key: the last range
        source.putAll(tail);

        RunInfo r = run(job(BATCH));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(r, ROWS + 3, ROWS + 3, 3, 3, ROWS - 3, 0);
        assertThat(r.stats()).containsEntry("rangesChanged", 3);
        assertThat(source.rowsRead()).isLessThanOrEqualTo(3L * BATCH + 3);
        assertDestinationEqualsSource();

        // the digests recorded by that partial pass vouch for everything: the next run reads nothing
        source.resetCounts();
        RunInfo third = run(job(BATCH));
        assertCounters(third, ROWS + 3, ROWS + 3, 0, 0, ROWS + 3, 0);
        assertThat(source.rowsRead()).isZero();
    }

    @Test
    void aTruncatedDestinationIsNoticedAndReloaded() {
        load(3, ROWS);
        run(job(BATCH));
        dest.truncate();
        RunInfo r = run(job(BATCH));
        assertCounters(r, ROWS, ROWS, ROWS, 0, 0, 0);
        assertDestinationEqualsSource();
    }

    @Test
    void aRangeWithDeadLettersIsReadAgainOnceFixed() {
        load(4, ROWS);
        dest.poison("name", v -> v != null && v.toString().endsWith("7"));
        RunInfo first = run(job(BATCH));
        assertThat(first.status()).isEqualTo(RunStatus.PARTIAL);
        dest.noPoison();
        RunInfo second = run(job(BATCH));
        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(second.counters().inserted()).isEqualTo(first.counters().failed());
        assertDestinationEqualsSource();
    }

    @Test
    void aCrashInADigestPassResumesCorrectlyAndTheNextRunStartsOver() {
        RowGenerator gen = new RowGenerator(5);
        List<Object[]> rows = gen.rows(ROWS);
        source.putAll(rows);
        run(job(BATCH));
        for (int i = 0; i < ROWS; i += 50) source.put(gen.touch(rows.get(i)));
        dest.failOnWrite(3, 1, Failure.FATAL);
        assertThat(run(job(BATCH)).status()).isEqualTo(RunStatus.FAILED);
        dest.noFailures();
        assertThat(run(job(BATCH)).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertDestinationEqualsSource();
        assertThat(store.currentDigests("orders")).as("a resumed pass cannot vouch for ranges").isEmpty();
        source.resetCounts();
        assertCounters(run(job(BATCH)), ROWS, ROWS, 0, 0, ROWS, 0);
        assertThat(source.rowsRead()).as("a full pass re-records the digests").isEqualTo(ROWS);
        source.resetCounts();
        run(job(BATCH));
        assertThat(source.rowsRead()).isZero();
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void randomEditsOverManyRunsAlwaysEndEqual(long seed) {
        RowGenerator gen = new RowGenerator(seed);
        Random random = new Random(seed);
        List<Object[]> rows = new ArrayList<>(gen.rows(ROWS));
        source.putAll(rows);
        for (int round = 0; round < 6; round++) {
            int edits = random.nextInt(20);
            for (int e = 0; e < edits; e++) {
                int i = random.nextInt(rows.size());
                Object[] changed = gen.touch(rows.get(i));
                rows.set(i, changed);
                source.put(changed);
            }
            if (random.nextBoolean()) source.putAll(gen.rows(random.nextInt(30)));
            RunInfo r = run(job(BATCH));
            assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(r.counters().processed()).isEqualTo(source.size());
            assertDestinationEqualsSource();
        }
    }
}
