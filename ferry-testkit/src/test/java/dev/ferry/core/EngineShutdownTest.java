package dev.ferry.core;

import dev.ferry.spi.WriteMode;
import dev.ferry.testkit.Failure;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EngineShutdownTest extends EngineTestSupport {

    @Test
    void aFailingWriterDoesNotWaitForAReaderInRetryBackoff() throws Exception {
        load(71, 200);
        RetrySettings slow = new RetrySettings(Duration.ofSeconds(5), 2.0, 3, 0.0, Duration.ofSeconds(20));
        SyncJob base = job(20);
        SyncJob job = new SyncJob(base.name(), base.sourceType(), base.source(), base.destinationType(), base.destination(),
                base.table(), base.key(), base.cursor(), WriteMode.UPSERT, 20, 2, slow, false);
        source.failOnNext(2, 1, Failure.RETRIABLE);        // the reader sleeps 5 s before retrying batch 1
        CountDownLatch readerSleeping = new CountDownLatch(1);
        dest.beforeWrite(b -> {
            EngineResilienceTest.await(readerSleeping);
            throw Failure.FATAL.create("test");
        });
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            // the reader's first failure has happened once batch 1 was attempted and batch 0 was read
            while (source.batchesRead() < 1) Thread.onSpinWait();
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
            }
            readerSleeping.countDown();
        });
        long t0 = System.nanoTime();
        RunInfo r = run(job);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        watcher.join(1000);
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(ms).as("the run ends without sitting out the reader's backoff").isLessThan(3_000);
    }

    @Test
    void listenersSeeMonotonicProgressAndTheFinalRun() {
        load(72, 300);
        List<RunInfo> seen = new CopyOnWriteArrayList<>();
        RunInfo r = engine.run(job(25), seen::add, new CancelToken());
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(0).status()).isEqualTo(RunStatus.RUNNING);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(r);
        long last = -1;
        for (RunInfo s : seen) {
            assertThat(s.counters().processed()).isGreaterThanOrEqualTo(last);
            last = s.counters().processed();
        }
        assertThat(r.phase()).isEqualTo(Phase.DONE);
        assertThat(r.finishedAt()).isPresent();
        assertThat(r.stats()).containsKeys("rowsPerSecond", "seconds");
        assertThat(store.activeRuns()).isEmpty();
    }
}
