package dev.ferry.core;

import dev.ferry.spi.WriteMode;
import dev.ferry.testkit.Failure;
import dev.ferry.testkit.FakeSchema;
import dev.ferry.core.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineResilienceTest extends EngineTestSupport {
    static final int N = 500, BATCH = 50, BATCHES = N / BATCH;

    @ParameterizedTest(name = "seed {0}, crash on write {1}")
    @CsvSource({"1, 1", "2, 2", "3, 5", "4, 9", "5, 10", "6, 7"})
    void resumesAfterAFatalFailureOnTheKthWrite(long seed, int k) {
        load(seed, N);
        SyncJob job = job(BATCH);
        dest.failOnWrite(k, 1, Failure.FATAL);

        RunInfo crashed = run(job);
        assertThat(crashed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(crashed.error()).hasValueSatisfying(e -> assertThat(e).contains("injected fatal failure"));
        assertThat(crashed.message()).hasValueSatisfying(m -> assertThat(m).contains("checkpoint is kept"));
        assertThat(crashed.counters().processed()).isEqualTo((long) (k - 1) * BATCH);
        if (k == 1) {
            assertThat(store.loadState("orders").inProgress()).as("nothing committed, nothing to resume").isEmpty();
        } else {
            Checkpoint cp = store.loadState("orders").inProgress().orElseThrow();
            assertThat(cp.nextSeq()).isEqualTo(k - 1);
            assertThat(cp.position()).contains(dev.ferry.testkit.FakeSource.encodePosition(
                    (Long) source.rows().get((k - 1) * BATCH - 1)[FakeSchema.ID]));
        }
        assertThat(dest.size()).isEqualTo((k - 1) * BATCH);

        source.resetCounts();
        RunInfo resumed = run(job);
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(RunStatus.SUCCEEDED);
        if (k > 1) assertThat(resumed.resumedFrom()).contains(crashed.runId());
        assertThat(source.rowsRead()).as("re-reads only the batch that failed, none of the committed ones")
                .isEqualTo(N - (long) (k - 1) * BATCH);
        assertCounters(resumed, N, N, N, 0, 0, 0);
        assertDestinationEqualsSource();
        assertThat(store.loadState("orders").inProgress()).isEmpty();
    }

    @ParameterizedTest(name = "seed {0}, crash before checkpoint {1}")
    @CsvSource({"11, 1", "12, 4", "13, 10"})
    void aCrashBetweenDestinationCommitAndCheckpointRedoesOneBatchHarmlessly(long seed, int k) {
        load(seed, N);
        SyncJob job = job(BATCH);
        store.failOnCheckpoint(k, 1, Failure.FATAL);

        RunInfo crashed = run(job);
        assertThat(crashed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(dest.size()).as("batch k landed, its checkpoint did not").isEqualTo(k * BATCH);

        source.resetCounts();
        dest.resetCounts();
        RunInfo resumed = run(job);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(source.rowsRead()).isEqualTo(N - (long) (k - 1) * BATCH);
        assertThat(dest.rowsRewritten()).as("the redone batch rewrites nothing").isEqualTo(N - (long) k * BATCH);
        assertCounters(resumed, N, N, N - BATCH, 0, BATCH, 0);
        assertDestinationEqualsSource();
    }

    @Test
    void transientReadAndWriteFailuresAreRetried() {
        load(21, N);
        source.failOnNext(3, 2, Failure.CONNECTION_LOST);
        dest.failOnWrite(5, 2, Failure.RETRIABLE);
        // listeners hear each retry with its reason (the server's run timeline shows them)
        java.util.List<String> retries = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        RunInfo r = engine.run(job(BATCH), new RunListener() {
            @Override
            public void onUpdate(RunInfo run) {
            }

            @Override
            public void onRetry(String runId, int retry, String reason) {
                retries.add(retry + ": " + reason);
            }
        }, new CancelToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(r, N, N, N, 0, 0, 0);
        assertThat(r.stats().get("retries")).isEqualTo(4L);
        assertThat(retries).hasSize(4);
        assertThat(retries).filteredOn(x -> x.contains("injected connection loss")).hasSize(2);
        assertThat(retries).filteredOn(x -> x.contains("injected transient failure")).extracting(x -> x.substring(0, 2))
                .containsExactly("1:", "2:");
        assertThat(dest.writeCalls()).isEqualTo(BATCHES + 2);
        assertThat(source.rowsRead()).isEqualTo(N);
        assertDestinationEqualsSource();
    }

    @Test
    void moreWriteFailuresThanAttemptsFailTheRunAndTheNextRunResumes() {
        load(22, N);
        SyncJob job = job(BATCH);
        dest.failOnWrite(4, FAST.maxAttempts(), Failure.CONNECTION_LOST);
        RunInfo failed = run(job);
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.message()).hasValueSatisfying(m -> assertThat(m).contains("after 3 attempts").contains("resume"));
        assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).contains("injected connection loss"));
        assertThat(store.loadState("orders").inProgress()).map(Checkpoint::nextSeq).contains(3L);

        RunInfo resumed = run(job);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(resumed, N, N, N, 0, 0, 0);
        assertDestinationEqualsSource();
    }

    @Test
    void moreReadFailuresThanAttemptsFailTheRunAndTheNextRunResumes() {
        load(23, N);
        SyncJob job = job(BATCH);
        source.failOnNext(6, 10, Failure.RETRIABLE);
        RunInfo failed = run(job);
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).contains("injected transient failure"));
        assertThat(failed.counters().processed()).isEqualTo(5L * BATCH);

        source.noFailures();
        source.resetCounts();
        RunInfo resumed = run(job);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(source.rowsRead()).isEqualTo(N - 5L * BATCH);
        assertCounters(resumed, N, N, N, 0, 0, 0);
        assertDestinationEqualsSource();
    }

    @Test
    void poisonRowsGoToDeadLettersAndReplayLandsThemOnceFixed() {
        List<Object[]> rows = load(31, 1000);
        Set<Long> poison = new HashSet<>();
        for (int i : new int[]{0, 99, 100, 101, 420, 777, 999}) poison.add((Long) rows.get(i)[FakeSchema.ID]);
        dest.poison("id", v -> poison.contains(v));
        SyncJob job = job(100);

        RunInfo r = run(job);
        assertThat(r.status()).isEqualTo(RunStatus.PARTIAL);
        assertCounters(r, 1000, 1000, 993, 0, 0, 7);
        assertThat(r.message()).hasValueSatisfying(m -> assertThat(m).contains("ferry replay " + r.runId()));
        List<DeadLetter> letters = store.deadLetters(r.runId());
        assertThat(letters).hasSize(7);
        assertThat(letters).extracting(DeadLetter::sourceKey)
                .containsExactlyInAnyOrderElementsOf(poison.stream().map(String::valueOf).toList());
        for (DeadLetter l : letters) {
            Object[] row = source.get(Long.parseLong(l.sourceKey())).orElseThrow();
            assertThat(l.reason()).contains("violates check constraint");
            assertThat(l.syncName()).isEqualTo("orders");
            Map<String, String> p = l.payload();
            for (int i = 0; i < FakeSchema.SCHEMA.size(); i++) {
                assertThat(p.get(FakeSchema.SCHEMA.column(i).name())).isEqualTo(Values.format(row[i]));
            }
        }
        assertThat(dest.size()).isEqualTo(993);
        for (Object[] row : source.rows()) {
            if (poison.contains((Long) row[FakeSchema.ID])) continue;
            assertThat(dest.get(row[FakeSchema.ID])).hasValueSatisfying(d -> assertThat(dev.ferry.testkit.FakeDestination.sameRow(d, row)).isTrue());
        }

        dest.noPoison();
        RunInfo replayed = engine.replay(r.runId(), job);
        assertThat(replayed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertCounters(replayed, 1000, 1000, 1000, 0, 0, 0);
        assertThat(store.deadLetters(r.runId())).isEmpty();
        assertThat(store.allDeadLetters()).hasSize(7).allSatisfy(l -> assertThat(l.resolvedAt()).isPresent());
        assertThat(store.findRun(r.runId())).contains(replayed);
        assertDestinationEqualsSource();
        assertThat(store.lease(job.destinationResource())).as("replay releases its lease").isEmpty();
    }

    @Test
    void replayOfRowsStillRefusedKeepsThemAsLetters() {
        List<Object[]> rows = load(32, 100);
        long bad = (Long) rows.get(10)[FakeSchema.ID];
        dest.poison("id", v -> v.equals(bad));
        SyncJob job = job(30);
        RunInfo r = run(job);
        RunInfo replayed = engine.replay(r.runId(), job);
        assertThat(replayed.status()).isEqualTo(RunStatus.PARTIAL);
        assertThat(replayed.counters().failed()).isEqualTo(1);
        assertThat(store.deadLetters(r.runId())).hasSize(1);
    }

    @Test
    void deadLettersAreNotDuplicatedWhenABatchIsRedone() {
        List<Object[]> rows = load(33, 200);
        long bad = (Long) rows.get(5)[FakeSchema.ID];
        dest.poison("id", v -> v.equals(bad));
        store.failOnCheckpoint(1, 1, Failure.FATAL);  // batch 0 wrote its letter but not its checkpoint
        SyncJob job = job(50);
        RunInfo crashed = run(job);
        assertThat(crashed.status()).isEqualTo(RunStatus.FAILED);
        RunInfo resumed = run(job);
        assertThat(resumed.status()).isEqualTo(RunStatus.PARTIAL);
        assertThat(resumed.counters().failed()).isEqualTo(1);
        assertThat(store.allDeadLetters()).hasSize(1);
        assertThat(store.deadLetters(resumed.runId())).hasSize(1);
    }

    @Test
    void cancelStopsAfterTheCurrentBatchAndTheNextRunResumes() {
        load(41, N);
        SyncJob job = job(BATCH);
        CancelToken cancel = new CancelToken();
        dest.beforeWrite(b -> {
            if (dest.commits() == 3) cancel.cancel();
        });
        RunInfo cancelled = engine.run(job, RunListener.NONE, cancel);
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.counters().processed()).isEqualTo(4L * BATCH);
        assertThat(store.loadState("orders").inProgress()).map(Checkpoint::nextSeq).contains(4L);
        assertThat(store.lease(job.destinationResource())).isEmpty();

        dest.beforeWrite(b -> { });
        source.resetCounts();
        RunInfo resumed = run(job);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(source.rowsRead()).isEqualTo(N - 4L * BATCH);
        assertCounters(resumed, N, N, N, 0, 0, 0);
        assertDestinationEqualsSource();
    }

    @Test
    void aHeldLeaseStopsASecondRunAndATakeoverFencesTheOldHolder() {
        load(51, 100);
        SyncJob job = job(BATCH);
        Lease zombie = store.acquireLease(job.destinationResource(), "zombie-run");

        RunInfo refused = run(job);
        assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
        assertThat(refused.error()).hasValueSatisfying(e -> assertThat(e).contains("zombie-run"));
        assertThat(dest.writeCalls()).isZero();
        assertThat(store.lease(job.destinationResource())).map(Lease::runId).as("the refused run left the lease alone")
                .contains("zombie-run");

        store.expireLease(job.destinationResource());
        RunInfo ok = run(job);
        assertThat(ok.status()).isEqualTo(RunStatus.SUCCEEDED);
        Checkpoint cp = new Checkpoint("zombie-run", java.util.Optional.of("id>1"), java.util.Optional.empty(),
                java.util.Optional.empty(), 1, Counters.ZERO);
        assertThatThrownBy(() -> store.saveCheckpoint(zombie, "orders", cp)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store.heartbeat(zombie)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store.completePass(zombie, "orders", java.util.Optional.empty())).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aRunWhoseLeaseWasTakenOverCannotCommit() throws Exception {
        load(52, N);
        SyncJob job = job(BATCH);
        CountDownLatch stalled = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        dest.beforeWrite(b -> {
            if (calls.incrementAndGet() == 3) {
                stalled.countDown();
                await(release);
            }
        });
        CompletableFuture<RunInfo> zombie = CompletableFuture.supplyAsync(() -> run(job));
        assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();

        store.expireLease(job.destinationResource());       // its process is presumed gone
        RunInfo taker = new Engine(store, connectors, java.time.Clock.systemUTC()).run(job, RunListener.NONE, new CancelToken());
        assertThat(taker.status()).as(taker.toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(taker.counters().processed()).isEqualTo(N);

        release.countDown();
        RunInfo old = zombie.get(10, TimeUnit.SECONDS);
        assertThat(old.status()).isEqualTo(RunStatus.FAILED);
        assertThat(old.error()).hasValueSatisfying(e -> assertThat(e).contains("lost its lease"));
        assertThat(store.loadState("orders").inProgress()).as("the zombie committed no checkpoint").isEmpty();
        assertThat(store.lease(job.destinationResource())).as("the zombie did not release the taker's lease ... and the taker released its own").isEmpty();
        assertDestinationEqualsSource();
    }

    @Test
    void theReaderStaysWithinReadAheadOfTheWriter() throws Exception {
        load(61, 1000);
        int readAhead = 2;
        SyncJob job = job(10, false, WriteMode.UPSERT, readAhead);
        AtomicLong maxLead = new AtomicLong();
        source.onBatch(b -> maxLead.accumulateAndGet(source.batchesRead() - dest.commits(), Math::max));
        CountDownLatch writing = new CountDownLatch(1), release = new CountDownLatch(1);
        dest.beforeWrite(b -> {
            if (dest.commits() == 0) {
                writing.countDown();
                await(release);
            }
        });
        CompletableFuture<RunInfo> running = CompletableFuture.supplyAsync(() -> run(job));
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        // wait until the reader stalls on the full queue
        long seen = -1;
        for (int i = 0; i < 200 && source.batchesRead() != seen; i++) {
            seen = source.batchesRead();
            Thread.sleep(20);
        }
        long readWhileStalled = source.batchesRead();
        release.countDown();
        RunInfo r = running.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        // one batch in the writer, readAhead in the queue, one in the reader's hand
        assertThat(readWhileStalled).as("batches read while the first write was stuck").isEqualTo(readAhead + 2);
        assertThat(maxLead.get()).isLessThanOrEqualTo(readAhead + 2);
        assertDestinationEqualsSource();
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) throw new AssertionError("latch never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
