package dev.ferry.core;

import java.util.Optional;

/**
 * What the store remembers of a sync between runs.
 *
 * @param inProgress   the checkpoint of a pass that has not completed (a resume continues it)
 * @param highWaterMark the cursor bound of the last completed pass (an incremental run reads past it)
 */
public record SyncState(String syncName, Optional<Checkpoint> inProgress, Optional<String> highWaterMark) {
    public static SyncState empty(String syncName) {
        return new SyncState(syncName, Optional.empty(), Optional.empty());
    }
}
