package dev.ferry.store;

import dev.ferry.core.Checkpoint;
import dev.ferry.core.Counters;
import dev.ferry.core.DeadLetter;
import dev.ferry.core.DigestEntry;
import dev.ferry.spi.RangeDigest;
import dev.ferry.core.Lease;
import dev.ferry.core.LeaseHeldException;
import dev.ferry.core.LeaseLostException;
import dev.ferry.core.Phase;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunStatus;
import dev.ferry.core.SyncState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link JdbcStateStore} database must show. Subclasses name the database (and reset it once
 * per class); each test uses its own sync, run and resource names, so tests never see each other's rows.
 */
abstract class StateStoreContract {
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    protected JdbcStateStore store;
    private final List<JdbcStateStore> opened = new ArrayList<>();

    protected abstract String url();

    protected String user() {
        return null;
    }

    protected String password() {
        return null;
    }

    protected JdbcStateStore openStore() {
        JdbcStateStore s = JdbcStateStore.open(url(), user(), password());
        opened.add(s);
        return s;
    }

    @BeforeEach
    void openDefaultStore() {
        store = openStore();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStateStore::close);
    }

    /** A name no other test in this class (or an earlier run on the same database) uses. */
    protected static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36) + "-" + UNIQUE.incrementAndGet();
    }

    /** Raw SQL against the store's database, to stage states the API cannot make (a holder whose process died). */
    protected void sql(String statement, Object... params) throws SQLException {
        try (Connection c = DriverManager.getConnection(StoreUrl.withDefaults(url()), user(), password());
             PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            ps.executeUpdate();
        }
    }

    /** The pid of a process that has certainly exited. */
    protected static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pid = p.pid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        return pid;
    }

    // ------------------------------------------------------------------ leases

    @Test
    void aFreeLeaseIsTakenAtEpochOneAndALiveHolderKeepsIt() {
        String resource = unique("pg:dst.t");
        Lease a = store.acquireLease(resource, "run-a");
        assertThat(a).isEqualTo(new Lease(resource, "run-a", 1, Optional.empty()));

        JdbcStateStore other = openStore();
        assertThatThrownBy(() -> other.acquireLease(resource, "run-b"))
                .isInstanceOf(LeaseHeldException.class)
                .hasMessageContaining("run-a")
                .hasMessageContaining("pid " + ProcessHandle.current().pid())
                .hasMessageContaining("heartbeat 0s ago");
    }

    @Test
    void aReleasedLeaseIsTakenWithTheNextEpochAndNoTakeover() {
        String resource = unique("pg:dst.t");
        Lease a = store.acquireLease(resource, "run-a");
        store.releaseLease(a);
        Lease b = openStore().acquireLease(resource, "run-b");
        assertThat(b.epoch()).isEqualTo(2);
        assertThat(b.tookOverFrom()).isEmpty();
    }

    @Test
    void aLeaseWhoseProcessIsGoneIsTakenOver() throws Exception {
        String resource = unique("pg:dst.t");
        store.acquireLease(resource, "run-dead");
        sql("UPDATE ferry_leases SET pid = ? WHERE resource = ?", deadPid(), resource);

        Lease b = openStore().acquireLease(resource, "run-b");
        assertThat(b.epoch()).isEqualTo(2);
        assertThat(b.tookOverFrom()).contains("run-dead");
    }

    @Test
    void aLeaseHeldOnAnotherHostIsNotJudgedByPid() throws Exception {
        String resource = unique("pg:dst.t");
        store.acquireLease(resource, "run-remote");
        // a dead pid means nothing for another host's process: only the heartbeat time-out frees it
        sql("UPDATE ferry_leases SET pid = ?, host = ? WHERE resource = ?", deadPid(), "some-other-host", resource);
        assertThatThrownBy(() -> openStore().acquireLease(resource, "run-b"))
                .isInstanceOf(LeaseHeldException.class)
                .hasMessageContaining("on host some-other-host");
    }

    @Test
    void aLeaseWithoutHeartbeatForTheTimeOutIsTakenOver() throws Exception {
        String resource = unique("pg:dst.t");
        store.acquireLease(resource, "run-silent");
        JdbcStateStore impatient = openStore().leaseTimeout(Duration.ofMillis(1));
        Thread.sleep(50); // the time-out is measured by the database clock, so only real time can age it
        Lease b = impatient.acquireLease(resource, "run-b");
        assertThat(b.tookOverFrom()).contains("run-silent");
        assertThat(b.epoch()).isEqualTo(2);
    }

    @Test
    void aLeaseThatWasTakenOverCanNoLongerCommit() throws Exception {
        String resource = unique("pg:dst.t");
        String sync = unique("sync");
        Lease old = store.acquireLease(resource, "run-old");
        store.saveCheckpoint(old, sync, checkpoint("run-old", "k=10", 2));
        sql("UPDATE ferry_leases SET pid = ? WHERE resource = ?", deadPid(), resource);

        JdbcStateStore other = openStore();
        Lease now = other.acquireLease(resource, "run-new");
        other.saveCheckpoint(now, sync, checkpoint("run-new", "k=20", 3));

        assertThatThrownBy(() -> store.saveCheckpoint(old, sync, checkpoint("run-old", "k=99", 9)))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining("run-old");
        assertThatThrownBy(() -> store.heartbeat(old)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store.completePass(old, sync, Optional.of("hwm"))).isInstanceOf(LeaseLostException.class);
        store.releaseLease(old); // not ours any more: must leave the new holder alone

        other.heartbeat(now);
        SyncState state = store.loadState(sync);
        assertThat(state.inProgress()).contains(checkpoint("run-new", "k=20", 3));
        assertThat(state.highWaterMark()).isEmpty();
        assertThatThrownBy(() -> store.acquireLease(resource, "run-third")).isInstanceOf(LeaseHeldException.class)
                .hasMessageContaining("run-new");
    }

    @Test
    void whenTwoRunsReachForAFreeLeaseAtOnceExactlyOneGetsIt() throws Exception {
        for (int round = 0; round < 5; round++) {
            String resource = unique("pg:dst.t");
            List<JdbcStateStore> stores = List.of(openStore(), openStore());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Optional<Lease>>> results = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    JdbcStateStore s = stores.get(i);
                    String runId = "run-" + i;
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            return Optional.of(s.acquireLease(resource, runId));
                        } catch (LeaseHeldException e) {
                            return Optional.<Lease>empty();
                        }
                    }));
                }
                start.countDown();
                List<Lease> winners = new ArrayList<>();
                for (Future<Optional<Lease>> f : results) f.get(30, TimeUnit.SECONDS).ifPresent(winners::add);
                assertThat(winners).hasSize(1);
                assertThat(winners.getFirst().epoch()).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void heartbeatsFromAnotherThreadInterleaveWithCheckpoints() throws Exception {
        String resource = unique("pg:dst.t");
        String sync = unique("sync");
        Lease lease = store.acquireLease(resource, "run-a");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread beater = Thread.ofPlatform().start(() -> {
            try {
                while (!stop.get()) store.heartbeat(lease);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            for (int i = 0; i < 50; i++) store.saveCheckpoint(lease, sync, checkpoint("run-a", "k=" + i, i));
        } finally {
            stop.set(true);
            beater.join(10_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(store.loadState(sync).inProgress().map(Checkpoint::nextSeq)).contains(49L);
    }

    // ------------------------------------------------------------------ sync state

    @Test
    void checkpointsAndHighWaterMarksRoundTrip() {
        String sync = unique("sync");
        assertThat(store.loadState(sync)).isEqualTo(SyncState.empty(sync));
        Lease lease = store.acquireLease(unique("pg:dst.t"), "run-a");

        String longPosition = "{\"key\":[\"" + "x".repeat(100_000) + "\"]}";
        Checkpoint cp = new Checkpoint("run-a", Optional.of(longPosition), Optional.of("2024-01-01T00:00:00"),
                Optional.of("2024-06-30T23:59:59.999999"), 7, new Counters(1000, 700, 600, 50, 40, 5, 5));
        store.saveCheckpoint(lease, sync, cp);
        assertThat(store.loadState(sync)).isEqualTo(new SyncState(sync, Optional.of(cp), Optional.empty()));

        Checkpoint nothingYet = new Checkpoint("run-a", Optional.empty(), Optional.empty(), Optional.empty(), 0, Counters.ZERO);
        store.saveCheckpoint(lease, sync, nothingYet);
        assertThat(store.loadState(sync).inProgress()).contains(nothingYet);

        store.completePass(lease, sync, Optional.of("2024-06-30T23:59:59.999999"));
        assertThat(store.loadState(sync)).isEqualTo(new SyncState(sync, Optional.empty(), Optional.of("2024-06-30T23:59:59.999999")));

        // a new pass keeps the mark until it completes
        store.saveCheckpoint(lease, sync, cp);
        assertThat(store.loadState(sync)).isEqualTo(new SyncState(sync, Optional.of(cp), Optional.of("2024-06-30T23:59:59.999999")));

        store.completePass(lease, sync, Optional.empty());
        assertThat(store.loadState(sync)).isEqualTo(SyncState.empty(sync));

        store.completePass(lease, sync, Optional.of("7"));
        store.resetState(sync);
        assertThat(store.loadState(sync)).isEqualTo(SyncState.empty(sync));
    }

    @Test
    void rangeDigestsAreRecordedWithCheckpointsAndPromotedWhole() {
        String sync = unique("sync");
        Lease lease = store.acquireLease(unique("pg:dst.t"), "run-a");
        assertThat(store.currentDigests(sync)).isEmpty();
        DigestEntry first = new DigestEntry(0, new RangeDigest(Optional.empty(), 100, -7L));
        DigestEntry second = new DigestEntry(1, new RangeDigest(Optional.of("k\\0100|" + "y".repeat(5000)), 90, Long.MIN_VALUE));
        store.startDigests(sync, List.of());
        store.saveCheckpoint(lease, sync, new Checkpoint("run-a", Optional.of("p1"), Optional.empty(), Optional.empty(), 1,
                Counters.ZERO, Optional.of(second)));
        store.saveCheckpoint(lease, sync, new Checkpoint("run-a", Optional.of("p0"), Optional.empty(), Optional.empty(), 2,
                Counters.ZERO, Optional.of(first)));
        assertThat(store.currentDigests(sync)).as("pending until promoted").isEmpty();
        store.promoteDigests(sync);
        assertThat(store.currentDigests(sync)).containsExactly(first, second);

        // a new pass carries unchanged ranges over and replaces the set only when promoted
        DigestEntry carried = new DigestEntry(1_000_000, second.digest());
        store.startDigests(sync, List.of(carried));
        assertThat(store.currentDigests(sync)).containsExactly(first, second);
        store.promoteDigests(sync);
        assertThat(store.currentDigests(sync)).containsExactly(carried);

        store.dropDigests(sync);
        assertThat(store.currentDigests(sync)).isEmpty();
        store.startDigests(sync, List.of(first));
        store.promoteDigests(sync);
        store.resetState(sync);
        assertThat(store.currentDigests(sync)).isEmpty();
    }

    @Test
    void aPassCanCompleteWithoutAnyCheckpoint() {
        String sync = unique("sync");
        Lease lease = store.acquireLease(unique("pg:dst.t"), "run-a");
        store.completePass(lease, sync, Optional.of("42"));
        assertThat(store.loadState(sync)).isEqualTo(new SyncState(sync, Optional.empty(), Optional.of("42")));
    }

    // ------------------------------------------------------------------ runs

    @Test
    void runsRoundTripWithEveryField() {
        Instant started = Instant.parse("2025-03-04T05:06:07.123456789Z");
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("mode", "upsert");
        options.put("fullRefresh", true);
        options.put("batchSize", 10000);
        options.put("nested", Map.of("a", List.of(1, 2)));
        RunInfo full = new RunInfo(unique("run"), unique("sync"), "postgres:bench_dst.taskdetail", RunStatus.PARTIAL,
                Phase.DONE, new Counters(100, 100, 90, 3, 2, 1, 4), started, Optional.of(started.plusSeconds(90)),
                Optional.of("3 records dead-lettered"), Optional.of("duplicate key\nsecond line"), Optional.of("run-before"),
                options, Map.of("rowsPerSecond", 1234.5, "bytes", 9_876_543_210L));
        store.saveRun(full);
        assertThat(store.findRun(full.runId())).contains(micros(full));

        RunInfo bare = new RunInfo(unique("run"), unique("sync"), "h2:t", RunStatus.RUNNING, Phase.QUEUED, Counters.ZERO,
                started, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Map.of());
        store.saveRun(bare);
        assertThat(store.findRun(bare.runId())).contains(micros(bare));

        // saving again updates the same row
        RunInfo done = new RunInfo(bare.runId(), bare.syncName(), bare.destination(), RunStatus.SUCCEEDED, Phase.DONE,
                new Counters(5, 5, 5, 0, 0, 0, 0), started, Optional.of(started.plusMillis(1500)), Optional.of("ok"),
                Optional.empty(), Optional.empty(), Map.of(), Map.of("rowsPerSecond", 3.5));
        store.saveRun(done);
        assertThat(openStore().findRun(bare.runId())).contains(micros(done));
        assertThat(store.findRun(unique("missing"))).isEmpty();
    }

    @Test
    void historyIsNewestFirstFilteredAndLimited() {
        String a = unique("sync-a");
        String b = unique("sync-b");
        // far in the future, so that these are the newest runs of the whole table
        Instant t0 = Instant.parse("2999-01-01T00:00:00Z").plusSeconds(UNIQUE.incrementAndGet() * 1000L);
        List<RunInfo> aRuns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RunInfo r = run(unique("run"), a, RunStatus.SUCCEEDED, t0.plusSeconds(i * 10));
            aRuns.add(r);
            store.saveRun(r);
        }
        RunInfo bRun = run(unique("run"), b, RunStatus.FAILED, t0.plusSeconds(15));
        store.saveRun(bRun);

        assertThat(store.history(Optional.of(a), 10)).extracting(RunInfo::runId)
                .containsExactly(aRuns.get(2).runId(), aRuns.get(1).runId(), aRuns.get(0).runId());
        assertThat(store.history(Optional.of(a), 2)).extracting(RunInfo::runId)
                .containsExactly(aRuns.get(2).runId(), aRuns.get(1).runId());
        assertThat(store.history(Optional.empty(), 3)).extracting(RunInfo::runId)
                .containsExactly(aRuns.get(2).runId(), bRun.runId(), aRuns.get(1).runId());
        assertThat(store.history(Optional.of(unique("none")), 10)).isEmpty();
        assertThat(store.history(Optional.of(a), 0)).isEmpty();
    }

    @Test
    void activeRunsAreThoseStillRunning() {
        String sync = unique("sync");
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        RunInfo running = run(unique("run"), sync, RunStatus.RUNNING, t);
        RunInfo finished = run(unique("run"), sync, RunStatus.SUCCEEDED, t);
        store.saveRun(running);
        store.saveRun(finished);
        assertThat(store.activeRuns()).extracting(RunInfo::runId).contains(running.runId()).doesNotContain(finished.runId());
        assertThat(store.activeRuns()).allMatch(r -> r.status() == RunStatus.RUNNING);
    }

    // ------------------------------------------------------------------ dead letters

    @Test
    void deadLettersAreKeptOncePerKeyAndResolved() {
        String sync = unique("sync");
        String run1 = unique("run");
        String run2 = unique("run");
        Instant at = Instant.parse("2025-02-03T04:05:06.789Z");
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("zeta", "1");
        payload.put("alpha", null);
        payload.put("mid", "a \"quoted\" value\nwith a newline");
        store.addDeadLetters(List.of(
                new DeadLetter(0, run1, sync, "k1", "value too long", payload, at, Optional.empty()),
                new DeadLetter(0, run1, sync, "k2|x", "not null violated", Map.of("id", "2"), at, Optional.empty())));
        List<DeadLetter> first = store.deadLetters(run1);
        assertThat(first).extracting(DeadLetter::sourceKey).containsExactly("k1", "k2|x");
        assertThat(first.get(0).id()).isPositive().isLessThan(first.get(1).id());
        assertThat(first.get(0).payload()).containsExactlyEntriesOf(payload);
        assertThat(first.get(0).createdAt()).isEqualTo(at);
        assertThat(first.get(0).resolvedAt()).isEmpty();
        assertThat(first.get(0).runId()).isEqualTo(run1);
        assertThat(first.get(0).syncName()).isEqualTo(sync);

        // the batch is redone after a crash: same keys fail again
        store.addDeadLetters(List.of(
                new DeadLetter(0, run2, sync, "k1", "value too long (again)", Map.of("zeta", "2"), at.plusSeconds(60), Optional.empty()),
                new DeadLetter(0, run2, sync, "k3", "bad date", Map.of("id", "3"), at.plusSeconds(60), Optional.empty())));
        assertThat(store.deadLetters(run1)).extracting(DeadLetter::sourceKey).containsExactly("k2|x");
        List<DeadLetter> second = store.deadLetters(run2);
        assertThat(second).extracting(DeadLetter::sourceKey).containsExactly("k1", "k3");
        assertThat(second.get(0).id()).isEqualTo(first.get(0).id());
        assertThat(second.get(0).reason()).isEqualTo("value too long (again)");
        assertThat(second.get(0).payload()).containsExactly(Map.entry("zeta", "2"));

        // a letter of another sync with the same key is its own
        String otherSync = unique("sync");
        store.addDeadLetters(List.of(new DeadLetter(0, run2, otherSync, "k1", "other", Map.of(), at, Optional.empty())));
        assertThat(store.deadLetters(run2)).hasSize(3);

        store.resolveDeadLetters(List.of(second.get(0).id()));
        store.resolveDeadLetters(List.of());
        assertThat(store.deadLetters(run2)).extracting(DeadLetter::sourceKey).containsExactly("k3", "k1");
        assertThat(store.deadLetters(run2)).allMatch(l -> !l.syncName().equals(sync) || !l.sourceKey().equals("k1"));

        // once resolved, the same key failing again is a new letter
        store.addDeadLetters(List.of(new DeadLetter(0, run2, sync, "k1", "again", Map.of(), at, Optional.empty())));
        assertThat(store.deadLetters(run2)).filteredOn(l -> l.syncName().equals(sync) && l.sourceKey().equals("k1"))
                .singleElement().satisfies(l -> assertThat(l.id()).isGreaterThan(second.get(0).id()));
        store.addDeadLetters(List.of());
    }

    @Test
    void skippedLettersKeepTheirCategoryFieldAndRule() {
        String sync = unique("sync");
        String run = unique("run");
        Instant at = Instant.parse("2025-02-03T04:05:06Z");
        store.addDeadLetters(List.of(
                new DeadLetter(0, run, sync, "7", "field 'email' breaks rule pattern: value 'x'", Map.of("id", "7"), at,
                        Optional.empty(), DeadLetter.SKIPPED, Optional.of("email"), Optional.of("pattern")),
                new DeadLetter(0, run, sync, "8", "duplicate key", Map.of("id", "8"), at, Optional.empty())));
        List<DeadLetter> letters = store.deadLetters(run);
        assertThat(letters).extracting(DeadLetter::category).containsExactly(DeadLetter.SKIPPED, DeadLetter.FAILED);
        assertThat(letters.get(0).field()).contains("email");
        assertThat(letters.get(0).rule()).contains("pattern");
        assertThat(letters.get(1).field()).isEmpty();
        // the record is fixed at the source but now breaks nothing and fails at the destination: the letter follows
        store.addDeadLetters(List.of(new DeadLetter(0, run, sync, "7", "value too long", Map.of("id", "7"), at, Optional.empty())));
        assertThat(store.deadLetters(run)).filteredOn(l -> l.sourceKey().equals("7")).singleElement()
                .satisfies(l -> assertThat(l.category()).isEqualTo(DeadLetter.FAILED))
                .satisfies(l -> assertThat(l.rule()).isEmpty());
    }

    // ------------------------------------------------------------------ helpers

    protected static Checkpoint checkpoint(String runId, String position, long nextSeq) {
        return new Checkpoint(runId, Optional.of(position), Optional.empty(), Optional.of("2025-01-01"), nextSeq,
                new Counters(100, nextSeq * 10, nextSeq * 10, 0, 0, 0, 0));
    }

    @Test
    void retentionDeletesFinishedRunsBeforeTheCutoffButKeepsRunningOnesAndThoseWithDeadLetters() {
        String sync = unique("sync");
        Instant t0 = Instant.parse("2024-03-01T00:00:00Z");
        String old = unique("run"), oldWithLetters = unique("run"), running = unique("run"), recent = unique("run");
        store.saveRun(run(old, sync, RunStatus.SUCCEEDED, t0));
        store.saveRun(run(oldWithLetters, sync, RunStatus.PARTIAL, t0));
        store.saveRun(run(running, sync, RunStatus.RUNNING, t0));
        store.saveRun(run(recent, sync, RunStatus.FAILED, t0.plus(java.time.Duration.ofDays(10))));
        store.addDeadLetters(List.of(new DeadLetter(0, oldWithLetters, sync, "k", "bad", Map.of(), t0, Optional.empty())));
        assertThat(store.deleteRunsFinishedBefore(t0.plus(java.time.Duration.ofDays(7)))).isEqualTo(1);
        assertThat(store.findRun(old)).isEmpty();
        assertThat(store.findRun(oldWithLetters)).isPresent();
        assertThat(store.findRun(running)).isPresent();
        assertThat(store.findRun(recent)).isPresent();
        assertThat(store.deadLetters(oldWithLetters)).hasSize(1);
    }

    protected static RunInfo run(String runId, String sync, RunStatus status, Instant started) {
        return new RunInfo(runId, sync, "h2:dst", status, status == RunStatus.RUNNING ? Phase.WRITING : Phase.DONE,
                Counters.ZERO, started, status.finished() ? Optional.of(started.plusSeconds(1)) : Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Map.of());
    }

    /** The run as the store gives it back: instants to the microsecond. */
    private static RunInfo micros(RunInfo r) {
        return new RunInfo(r.runId(), r.syncName(), r.destination(), r.status(), r.phase(), r.counters(),
                r.startedAt().truncatedTo(ChronoUnit.MICROS), r.finishedAt().map(i -> i.truncatedTo(ChronoUnit.MICROS)),
                r.message(), r.error(), r.resumedFrom(), r.options(), r.stats());
    }
}
