package dev.ferry.core;

import dev.ferry.spi.WriteMode;
import dev.ferry.testkit.Failure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A pass cut into key ranges ("lanes") read and written side by side, crashed and resumed at any batch. */
class EngineLanesTest extends EngineTestSupport {
    static final int N = 2_000, BATCH = 100;

    @BeforeEach
    void splittable() {
        source.splittable(true);
        dest.concurrentWriters(true);
    }

    static SyncJob lanes(int lanes) {
        return job(BATCH).withLanes(lanes);
    }

    @ParameterizedTest(name = "{0} lanes, seed {1}")
    @CsvSource({"2, 1", "3, 2", "4, 3"})
    void lanesWriteEveryRowOnceThroughWritersOnSeveralThreads(int lanes, long seed) {
        load(seed, N);
        Set<String> writerThreads = ConcurrentHashMap.newKeySet();
        dest.beforeWrite(b -> writerThreads.add(Thread.currentThread().getName()));

        RunInfo r = run(lanes(lanes));

        assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.stats()).containsEntry("lanes", lanes);
        assertThat(writerThreads).as("one writer thread per lane").hasSize(lanes);
        assertThat(dest.opens()).isEqualTo(lanes);
        assertCounters(r, N, N, N, 0, 0, 0);
        assertThat(source.rowsRead()).isEqualTo(N);
        assertDestinationEqualsSource();
        assertThat(store.loadState("orders").inProgress()).isEmpty();
    }

    @Test
    void oneLaneOrAnUnsplittableSourceReadsOneStream() {
        load(4, N);
        RunInfo one = run(lanes(1));
        assertThat(one.stats()).doesNotContainKey("lanes");
        assertThat(dest.opens()).isEqualTo(1);

        source.splittable(false);
        source.resetCounts();
        RunInfo unsplit = run(lanes(2).withFullRefresh(true));
        assertThat(unsplit.stats()).doesNotContainKey("lanes");
        assertThat(source.rowsRead()).isEqualTo(N);
        assertDestinationEqualsSource();
    }

    @Test
    void aDestinationThatTakesOneWriterGetsOneStream() {
        dest.concurrentWriters(false);
        load(5, N);
        RunInfo r = run(lanes(2));
        assertThat(r.stats()).doesNotContainKey("lanes");
        assertThat(dest.opens()).isEqualTo(1);
        assertDestinationEqualsSource();
    }

    @ParameterizedTest(name = "seed {0}, crash on write {1}")
    @CsvSource({"11, 1", "12, 2", "13, 7", "14, 13", "15, 20"})
    void aFatalWriteFailureInOneLaneStopsThePassAndTheResumeEndsEqual(long seed, int k) {
        load(seed, N);
        dest.failOnWrite(k, 1, Failure.FATAL);

        RunInfo crashed = run(lanes(2));
        assertThat(crashed.status()).isEqualTo(RunStatus.FAILED);
        long landed = dest.size();
        assertThat(landed).as("only whole batches landed").isEqualTo(crashed.counters().processed());
        assertThat(landed).isLessThan(N);

        source.resetCounts();
        RunInfo resumed = run(lanes(2));
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(source.rowsRead()).as("each lane carries on after its last commit")
                .isLessThanOrEqualTo(N - landed + 2L * BATCH);
        // the counters carry on from the checkpoint: the failed batch never landed, so nothing was redone
        assertCounters(resumed, N, N, N, 0, 0, 0);
        assertDestinationEqualsSource();
        assertThat(store.loadState("orders").inProgress()).isEmpty();
    }

    @ParameterizedTest(name = "seed {0}, crash before checkpoint {1}")
    @CsvSource({"21, 1", "22, 6", "23, 19"})
    void aCrashBetweenALanesCommitAndItsCheckpointRedoesThatBatchHarmlessly(long seed, int k) {
        load(seed, N);
        store.failOnCheckpoint(k, 1, Failure.FATAL);

        RunInfo crashed = run(lanes(2));
        assertThat(crashed.status()).isEqualTo(RunStatus.FAILED);
        long landed = dest.size();

        dest.resetCounts();
        RunInfo resumed = run(lanes(2));
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(RunStatus.SUCCEEDED);
        // the batch whose checkpoint failed is read and written again and finds its rows there — unless the other
        // lane's next checkpoint, which holds every lane's last commit, recorded it first
        Counters c = resumed.counters();
        assertThat(c.processed()).isEqualTo(N);
        assertThat(c.inserted() + c.unchanged()).isEqualTo(N);
        assertThat(c.unchanged()).isIn(0L, (long) BATCH);
        assertThat(dest.rowsRewritten()).as("the redone batch rewrites nothing").isEqualTo(N - landed);
        assertDestinationEqualsSource();
    }

    @Test
    void aCancelledPassKeepsEveryLanesPositionAndAResumeWithOneWriterFinishesIt() throws Exception {
        load(31, N);
        CountDownLatch someWritten = new CountDownLatch(4);
        CancelToken cancel = new CancelToken();
        AtomicInteger writes = new AtomicInteger();
        dest.beforeWrite(b -> {
            if (writes.incrementAndGet() == 5) cancel.cancel();
            someWritten.countDown();
        });
        RunInfo cancelled = engine.run(lanes(2), RunListener.NONE, cancel);
        assertThat(someWritten.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        Checkpoint cp = store.loadState("orders").inProgress().orElseThrow();
        assertThat(Lanes.isLanes(cp.position())).isTrue();
        List<Lanes.State> lanes = Lanes.decode(cp.position().orElseThrow());
        assertThat(lanes).hasSize(2);

        // a preview of the interrupted pass reads what each lane has left, and agrees with the run that follows
        PreviewReport preview = new Previewer(store, connectors, Clock.systemUTC()).preview(lanes(2), 0);

        dest.beforeWrite(b -> { });
        dest.concurrentWriters(false); // e.g. the sync file changed: the lanes are finished one after another
        RunInfo resumed = run(lanes(2));
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.counters().processed()).isEqualTo(N);
        assertThat(preview.counts().get("inserted")).isEqualTo(resumed.counters().inserted());
        assertDestinationEqualsSource();
    }

    @Test
    void lanesRecordRangeDigestsSoAnUnchangedRerunReadsNothing() {
        source.digests(true);
        load(41, N);
        RunInfo first = run(lanes(2));
        assertThat(first.stats()).containsEntry("lanes", 2);

        source.resetCounts();
        RunInfo again = run(lanes(2));
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(source.rowsRead()).isZero();
        assertCounters(again, N, N, 0, 0, N, 0);

        // one changed row in the second lane's half: only its range is read
        Object[] row = source.rows().get(N - 3).clone();
        row[dev.ferry.testkit.FakeSchema.NAME] = "changed";
        source.put(row);
        source.resetCounts();
        RunInfo changed = run(lanes(2));
        assertThat(changed.counters().updated()).isEqualTo(1);
        assertThat(source.rowsRead()).isLessThanOrEqualTo(BATCH);
        assertDestinationEqualsSource();
    }

    @Test
    void appendModeUsesLanesToo() {
        load(51, N);
        RunInfo r = run(job(BATCH, false, WriteMode.APPEND, 2).withLanes(2));
        assertThat(r.stats()).containsEntry("lanes", 2);
        assertThat(dest.appendedRows()).hasSize(N);
    }

    @Test
    void positionsRoundTrip() {
        List<Lanes.State> s = List.of(
                new Lanes.State(new dev.ferry.spi.KeyRange(Optional.empty(), Optional.of("a,\\\"b")), Optional.of("x\ty"), true),
                new Lanes.State(new dev.ferry.spi.KeyRange(Optional.of("a,\\\"b"), Optional.empty()), Optional.empty(), false));
        assertThat(Lanes.decode(Lanes.encode(s))).isEqualTo(s);
        assertThat(Lanes.isLanes(Optional.of("id>5"))).isFalse();
    }

    @Test
    void theRangesDigestsFoundChangedAreReadInLanesAndThePreviewAgreesWithTheRun() {
        source.digests(true);
        load(61, N);
        run(lanes(2));
        // one row changed in every other range (batch): ten changed ranges, spread over the keys
        List<Object[]> rows = source.rows();
        for (int b = 0; b < N / BATCH; b += 2) {
            Object[] row = rows.get(b * BATCH + 7).clone();
            row[dev.ferry.testkit.FakeSchema.NAME] = "changed " + b;
            source.put(row);
        }
        PreviewReport preview = new Previewer(store, connectors, Clock.systemUTC()).preview(lanes(2), 3);
        assertThat(preview.stats()).containsEntry("lanes", 2);
        assertThat(preview.counts()).containsEntry("updated", 10L).containsEntry("unchanged", (long) N - 10);

        source.resetCounts();
        RunInfo changed = run(lanes(2));
        assertThat(changed.stats()).containsEntry("lanes", 2);
        assertCounters(changed, N, N, 0, 10, N - 10, 0);
        assertThat(source.rowsRead()).as("only the ten changed ranges").isEqualTo(10L * BATCH);
        assertDestinationEqualsSource();

        // the digests the lanes recorded vouch for every range again
        source.resetCounts();
        RunInfo again = run(lanes(2));
        assertThat(source.rowsRead()).isZero();
        assertCounters(again, N, N, 0, 0, N, 0);
    }
}
