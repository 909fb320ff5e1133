package dev.ferry.core;

import dev.ferry.spi.WriteMode;
import dev.ferry.testkit.Failure;
import dev.ferry.testkit.FakeSchema;
import dev.ferry.testkit.RowGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A preview plans and reads as a run does, writes nothing anywhere, and agrees with the run that follows. */
class EnginePreviewTest extends EngineTestSupport {
    static final int ROWS = 1000, BATCH = 100;
    static final Set<String> READS = Set.of("loadState", "currentDigests", "findRun", "history", "activeRuns", "deadLetters", "close");

    /** The store as a preview sees it: any call that could change it fails the test. */
    StateStore readOnly() {
        return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[]{StateStore.class},
                (proxy, method, args) -> {
                    if (!READS.contains(method.getName())) throw new AssertionError("a preview called StateStore." + method.getName());
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    PreviewReport preview(dev.ferry.core.SyncJob job, int samples) {
        return new Previewer(readOnly(), connectors, Clock.systemUTC()).preview(job, samples);
    }

    /** Edits a tenth of the rows, deletes none, adds a few. */
    static void edit(RowGenerator gen, List<Object[]> rows, dev.ferry.testkit.FakeSource source, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < rows.size() / 10; i++) source.put(gen.touch(rows.get(r.nextInt(rows.size()))));
        source.putAll(gen.rows(7));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"1, false", "2, false", "3, false", "1, true", "2, true", "3, true"})
    void previewThenRunAgreeAndThePreviewWritesNothing(long seed, boolean digests) {
        {
            source.digests(digests);
            RowGenerator gen = new RowGenerator(seed);
            List<Object[]> rows = gen.rows(ROWS);
            source.putAll(rows);
            run(job(BATCH));
            edit(gen, rows, source, seed);
            List<Object[]> before = dest.rows();
            dest.resetCounts();
            List<DigestEntry> digestsBefore = store.currentDigests("orders");

            PreviewReport p = preview(job(BATCH), 3);

            assertThat(dest.writeCalls()).isZero();
            assertThat(dest.rows()).usingElementComparator((a, b) -> Arrays.deepEquals(a, b) ? 0 : 1).containsExactlyElementsOf(before);
            assertThat(store.currentDigests("orders")).isEqualTo(digestsBefore);
            RunInfo r = run(job(BATCH));
            assertThat(List.of(p.count("inserted"), p.count("updated"), p.count("unchanged")))
                    .as("preview vs run, digests %s", digests)
                    .containsExactly(r.counters().inserted(), r.counters().updated(), r.counters().unchanged());
            assertThat(p.count("inserted")).isEqualTo(7);
            assertThat(p.count("updated")).isPositive();
            assertThat(p.samples().get("inserted")).hasSize(3);
            assertThat(p.samples().get("updated")).hasSize(3).allSatisfy(s -> {
                assertThat(s.fields()).isNotEmpty().doesNotContainKey("id");
                s.fields().values().forEach(d -> assertThat(d.before()).isNotEqualTo(d.after()));
            });
            assertDestinationEqualsSource();
        }
    }

    @Test
    void unchangedSourcePreviewsAllUnchangedAndWithDigestsReadsNothing() {
        source.digests(true);
        load(4, ROWS);
        run(job(BATCH));
        source.resetCounts();
        PreviewReport p = preview(job(BATCH), 5);
        assertThat(p.counts()).containsEntry("inserted", 0L).containsEntry("updated", 0L).containsEntry("unchanged", (long) ROWS);
        assertThat(source.rowsRead()).isZero();
        assertThat(p.stats()).containsEntry("rangesChanged", 0).containsEntry("rowsRead", 0L);
        assertThat(p.samples().get("updated")).isEmpty();
    }

    @Test
    void previewOfAnInterruptedPassCountsAsItsResumeWill() {
        load(5, ROWS);
        dest.failOnWrite(4, 1, Failure.FATAL);
        RunInfo broken = run(job(BATCH));
        assertThat(broken.status()).isEqualTo(RunStatus.FAILED);
        dest.noFailures();
        PreviewReport p = preview(job(BATCH), 0);
        RunInfo resumed = run(job(BATCH));
        assertThat(resumed.resumedFrom()).contains(broken.runId());
        assertThat(p.count("inserted")).isEqualTo(resumed.counters().inserted()).isEqualTo(ROWS);
        assertThat(p.stats()).containsEntry("resumesRun", broken.runId());
    }

    @Test
    void incrementalPreviewReadsPastTheHighWaterMarkOnly() {
        RowGenerator gen = new RowGenerator(6);
        List<Object[]> rows = gen.rows(ROWS);
        source.putAll(rows);
        SyncJob incremental = job(BATCH, true, WriteMode.UPSERT, 2);
        run(incremental);
        source.put(gen.touch(rows.get(10)));
        source.put(gen.touch(rows.get(20)));
        PreviewReport p = preview(incremental, 10);
        RunInfo r = run(incremental);
        assertThat(p.count("updated")).isEqualTo(r.counters().updated()).isEqualTo(2);
        assertThat(p.stats()).containsEntry("rowsRead", r.counters().processed());
        assertThat(p.samples().get("updated")).extracting(PreviewReport.Sample::key)
                .containsExactlyInAnyOrder(String.valueOf(rows.get(10)[FakeSchema.ID]), String.valueOf(rows.get(20)[FakeSchema.ID]));
    }

    @Test
    void replacePreviewCountsTheRowsTheNewCopyDrops() {
        load(7, ROWS);
        run(job(BATCH, false, WriteMode.REPLACE, 2));
        source.remove((Long) source.rows().get(0)[FakeSchema.ID]);
        source.remove((Long) source.rows().get(1)[FakeSchema.ID]);
        PreviewReport p = preview(job(BATCH, false, WriteMode.REPLACE, 2), 1);
        assertThat(p.counts()).containsEntry("deleted", 2L).containsEntry("unchanged", (long) ROWS - 2);
        assertThat(dest.size()).isEqualTo(ROWS);
    }
}
