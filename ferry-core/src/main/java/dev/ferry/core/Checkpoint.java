package dev.ferry.core;

import java.util.Optional;

/**
 * Where a pass over the source stands, committed after each batch's destination commit.
 *
 * @param runId      the run that wrote it
 * @param position   source position after the last committed batch (empty: nothing committed yet)
 * @param cursorFrom exclusive lower cursor bound of this pass
 * @param cursorTo   inclusive upper cursor bound, fixed at plan time
 * @param nextSeq    sequence number of the next batch
 * @param counters   cumulative counters of the pass so far
 * @param digest     the digest of the batch this checkpoint commits, to remember with it (pending until the pass completes)
 */
public record Checkpoint(String runId, Optional<String> position, Optional<String> cursorFrom,
                         Optional<String> cursorTo, long nextSeq, Counters counters, Optional<DigestEntry> digest) {
    public Checkpoint {
        digest = digest == null ? Optional.empty() : digest;
    }

    public Checkpoint(String runId, Optional<String> position, Optional<String> cursorFrom,
                      Optional<String> cursorTo, long nextSeq, Counters counters) {
        this(runId, position, cursorFrom, cursorTo, nextSeq, counters, Optional.empty());
    }
}
