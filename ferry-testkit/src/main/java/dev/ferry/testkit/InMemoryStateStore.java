package dev.ferry.testkit;

import dev.ferry.core.Checkpoint;
import dev.ferry.core.DeadLetter;
import dev.ferry.core.DigestEntry;
import dev.ferry.core.Lease;
import dev.ferry.core.LeaseHeldException;
import dev.ferry.core.LeaseLostException;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunStatus;
import dev.ferry.core.StateStore;
import dev.ferry.core.SyncState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link StateStore} in memory, for tests. Thread-safe (every method is synchronized).
 * Leases carry epochs: a live holder makes {@link #acquireLease} throw {@link LeaseHeldException}; a holder
 * whose heartbeat is older than the time-out, or one a test declared dead with {@link #expireLease}, is
 * taken over with a higher epoch, after which the old holder's commits fail with {@link LeaseLostException}.
 * Unresolved dead letters are deduplicated by (syncName, sourceKey): a newer letter for the same record
 * replaces the older one (same id, newest run, reason and payload).
 */
public final class InMemoryStateStore implements StateStore {
    private final Clock clock;
    private final Duration leaseTimeout;

    private final Map<String, LeaseRow> leases = new HashMap<>();
    private final Map<String, SyncState> states = new HashMap<>();
    private final Map<String, RunInfo> runs = new LinkedHashMap<>();
    private final Map<String, Long> runOrder = new HashMap<>();
    private final List<DeadLetter> letters = new ArrayList<>();
    private final Map<String, List<DigestEntry>> currentDigests = new HashMap<>();
    private final Map<String, List<DigestEntry>> pendingDigests = new HashMap<>();
    private long nextLetterId = 1;
    private long runCounter;
    private long checkpointsSaved;
    private final FailurePlan checkpointFailures = new FailurePlan();

    private static final class LeaseRow {
        String runId;
        long epoch;
        Instant heartbeat;
        boolean released;
        boolean expired;
    }

    public InMemoryStateStore() {
        this(Clock.systemUTC(), Duration.ofMinutes(1));
    }

    public InMemoryStateStore(Clock clock, Duration leaseTimeout) {
        this.clock = clock;
        this.leaseTimeout = leaseTimeout;
    }

    // --- leases

    @Override
    public synchronized Lease acquireLease(String resource, String runId) {
        LeaseRow row = leases.get(resource);
        Instant now = clock.instant();
        if (row == null) {
            row = new LeaseRow();
            row.runId = runId;
            row.epoch = 1;
            row.heartbeat = now;
            leases.put(resource, row);
            return new Lease(resource, runId, 1, Optional.empty());
        }
        boolean stale = row.expired || row.heartbeat.plus(leaseTimeout).isBefore(now);
        if (!row.released && !stale) {
            throw new LeaseHeldException(resource, row.runId, "epoch " + row.epoch + ", last heartbeat " + row.heartbeat);
        }
        Optional<String> tookOverFrom = row.released ? Optional.empty() : Optional.of(row.runId);
        row.runId = runId;
        row.epoch++;
        row.heartbeat = now;
        row.released = false;
        row.expired = false;
        return new Lease(resource, runId, row.epoch, tookOverFrom);
    }

    @Override
    public synchronized void heartbeat(Lease lease) {
        current(lease).heartbeat = clock.instant();
    }

    @Override
    public synchronized void releaseLease(Lease lease) {
        LeaseRow row = leases.get(lease.resource());
        if (row != null && row.epoch == lease.epoch() && !row.released) row.released = true;
    }

    /** Declare the holder of {@code resource} dead (process gone): the next {@link #acquireLease} takes it over. */
    public synchronized void expireLease(String resource) {
        LeaseRow row = leases.get(resource);
        if (row != null) row.expired = true;
    }

    /** The current holder's lease, if someone holds {@code resource}. */
    public synchronized Optional<Lease> lease(String resource) {
        LeaseRow row = leases.get(resource);
        if (row == null || row.released) return Optional.empty();
        return Optional.of(new Lease(resource, row.runId, row.epoch, Optional.empty()));
    }

    private LeaseRow current(Lease lease) {
        LeaseRow row = leases.get(lease.resource());
        if (row == null || row.epoch != lease.epoch() || row.released) throw new LeaseLostException(lease);
        return row;
    }

    // --- sync state

    @Override
    public synchronized SyncState loadState(String syncName) {
        return states.getOrDefault(syncName, SyncState.empty(syncName));
    }

    @Override
    public synchronized void saveCheckpoint(Lease lease, String syncName, Checkpoint checkpoint) {
        current(lease);
        checkpointFailures.check("state store saveCheckpoint");
        SyncState s = loadState(syncName);
        states.put(syncName, new SyncState(syncName, Optional.of(checkpoint), s.highWaterMark()));
        checkpoint.digest().ifPresent(d -> pendingDigests.computeIfAbsent(syncName, k -> new ArrayList<>()).add(d));
        checkpointsSaved++;
    }

    // --- range digests

    @Override
    public synchronized List<DigestEntry> currentDigests(String syncName) {
        List<DigestEntry> out = new ArrayList<>(currentDigests.getOrDefault(syncName, List.of()));
        out.sort(Comparator.comparingLong(DigestEntry::ordinal));
        return out;
    }

    @Override
    public synchronized void startDigests(String syncName, List<DigestEntry> carried) {
        pendingDigests.put(syncName, new ArrayList<>(carried));
    }

    @Override
    public synchronized void promoteDigests(String syncName) {
        currentDigests.put(syncName, pendingDigests.getOrDefault(syncName, new ArrayList<>()));
        pendingDigests.remove(syncName);
    }

    @Override
    public synchronized void dropDigests(String syncName) {
        currentDigests.remove(syncName);
        pendingDigests.remove(syncName);
    }

    @Override
    public synchronized void completePass(Lease lease, String syncName, Optional<String> highWaterMark) {
        current(lease);
        states.put(syncName, new SyncState(syncName, Optional.empty(), highWaterMark));
    }

    @Override
    public synchronized void resetState(String syncName) {
        states.remove(syncName);
        dropDigests(syncName);
    }

    /**
     * The n-th checkpoint commit from now fails {@code times} times in a row: with {@link Failure#FATAL} this is
     * a crash after the destination committed a batch and before its checkpoint did.
     */
    public synchronized InMemoryStateStore failOnCheckpoint(long nth, int times, Failure kind) {
        checkpointFailures.arm(nth, times, kind);
        return this;
    }

    /** Checkpoints committed so far (all syncs). */
    public synchronized long checkpointsSaved() {
        return checkpointsSaved;
    }

    // --- runs

    @Override
    public synchronized void saveRun(RunInfo run) {
        runs.put(run.runId(), run);
        runOrder.computeIfAbsent(run.runId(), id -> runCounter++);
    }

    @Override
    public synchronized Optional<RunInfo> findRun(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public synchronized List<RunInfo> history(Optional<String> syncName, int limit) {
        return runs.values().stream()
                .filter(r -> syncName.map(n -> n.equals(r.syncName())).orElse(true))
                .sorted(Comparator.comparing(RunInfo::startedAt).thenComparing(r -> runOrder.get(r.runId())).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized List<RunInfo> activeRuns() {
        return runs.values().stream().filter(r -> r.status() == RunStatus.RUNNING).toList();
    }

    // --- dead letters

    @Override
    public synchronized void addDeadLetters(List<DeadLetter> add) {
        for (DeadLetter l : add) {
            int existing = -1;
            for (int i = 0; i < letters.size(); i++) {
                DeadLetter o = letters.get(i);
                if (o.resolvedAt().isEmpty() && o.syncName().equals(l.syncName()) && o.sourceKey().equals(l.sourceKey())) {
                    existing = i;
                    break;
                }
            }
            if (existing >= 0) {
                DeadLetter o = letters.get(existing);
                letters.set(existing, new DeadLetter(o.id(), l.runId(), l.syncName(), l.sourceKey(), l.reason(),
                        new LinkedHashMap<>(l.payload()), l.createdAt(), Optional.empty(), l.category(), l.field(), l.rule()));
            } else {
                letters.add(new DeadLetter(nextLetterId++, l.runId(), l.syncName(), l.sourceKey(), l.reason(),
                        new LinkedHashMap<>(l.payload()), l.createdAt(), Optional.empty(), l.category(), l.field(), l.rule()));
            }
        }
    }

    @Override
    public synchronized List<DeadLetter> deadLetters(String runId) {
        return letters.stream().filter(l -> l.runId().equals(runId) && l.resolvedAt().isEmpty())
                .sorted(Comparator.comparingLong(DeadLetter::id)).toList();
    }

    /** Every dead letter, resolved or not, oldest first. */
    public synchronized List<DeadLetter> allDeadLetters() {
        return letters.stream().sorted(Comparator.comparingLong(DeadLetter::id)).toList();
    }

    @Override
    public synchronized void resolveDeadLetters(List<Long> ids) {
        Instant now = clock.instant();
        for (int i = 0; i < letters.size(); i++) {
            DeadLetter l = letters.get(i);
            if (ids.contains(l.id()) && l.resolvedAt().isEmpty()) {
                letters.set(i, l.withId(l.id(), Optional.of(now)));
            }
        }
    }

    private final InMemoryBidiStore bidi = new InMemoryBidiStore();

    /** Bidirectional state, in memory too. */
    @Override
    public Optional<dev.ferry.core.bidi.BidiStore> bidi() {
        return Optional.of(bidi);
    }

    @Override
    public void close() {
    }
}
