package dev.ferry.core;

import java.util.List;
import java.util.Optional;

/**
 * Durable run state: runs and history, per-sync checkpoints, leases, dead letters. Implementations are
 * safe for use from several processes at once (a cluster shares one PostgreSQL).
 */
public interface StateStore extends AutoCloseable {

    // --- leases: one active run per destination table
    /**
     * Take the lease on {@code resource} for {@code runId}. A lease whose holder's process is gone (same host,
     * pid not alive) or whose heartbeat is older than the time-out is taken over with a higher epoch.
     *
     * @throws LeaseHeldException if a live run holds it
     */
    Lease acquireLease(String resource, String runId);

    /** Refresh the heartbeat. @throws LeaseLostException if a newer epoch took it. */
    void heartbeat(Lease lease);

    void releaseLease(Lease lease);

    // --- sync state
    SyncState loadState(String syncName);

    /** Commit a checkpoint (and its batch's digest, if any, into the pass being recorded); fails with {@link LeaseLostException} if the lease is no longer ours. */
    void saveCheckpoint(Lease lease, String syncName, Checkpoint checkpoint);

    /** End a pass: drop the in-progress checkpoint, remember the high-water mark for the next incremental run. */
    void completePass(Lease lease, String syncName, Optional<String> highWaterMark);

    /** Forget checkpoint and high-water mark (full refresh). */
    void resetState(String syncName);

    // --- range digests: what Ferry last wrote, per key range, so an unchanged range need not be read again
    /** The digests of the last completed pass that recorded them, ordered by key; empty if none. */
    List<DigestEntry> currentDigests(String syncName);

    /** Start recording a pass's digests, beginning with ranges carried over unchanged from the current ones. */
    void startDigests(String syncName, List<DigestEntry> carried);

    /** The pass being recorded completed: its digests become the current ones. */
    void promoteDigests(String syncName);

    /** Forget all digests of a sync (its next run reads everything). */
    void dropDigests(String syncName);

    // --- runs
    void saveRun(RunInfo run);

    Optional<RunInfo> findRun(String runId);

    /** Newest first. */
    List<RunInfo> history(Optional<String> syncName, int limit);

    List<RunInfo> activeRuns();

    /**
     * Retention: deletes runs that finished before {@code cutoff}, except those with unresolved dead letters (which stay
     * until replayed or purged). Returns how many were deleted; a store that keeps everything returns 0.
     */
    default int deleteRunsFinishedBefore(java.time.Instant cutoff) {
        return 0;
    }

    // --- dead letters
    void addDeadLetters(List<DeadLetter> letters);

    /** Unresolved dead letters of a run, oldest first. */
    List<DeadLetter> deadLetters(String runId);

    void resolveDeadLetters(List<Long> ids);

    // --- bidirectional syncs: base, per-side cursors, conflicts
    /** The store's bidirectional part; empty when this store keeps none. */
    default java.util.Optional<dev.ferry.core.bidi.BidiStore> bidi() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
