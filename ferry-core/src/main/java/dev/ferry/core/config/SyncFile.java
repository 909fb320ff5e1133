package dev.ferry.core.config;

import dev.ferry.core.SyncJob;
import dev.ferry.core.bidi.BidiJob;

import java.util.Optional;

/**
 * A parsed sync file: the job, and where its run state lives.
 *
 * @param bidi present for {@code direction: bidirectional}: then run that (with {@code dev.ferry.core.bidi.BidiEngine}),
 *             not {@code job}, which is only a one-way view (a → b) carrying the name, batch and retry settings
 */
public record SyncFile(SyncJob job, String stateUrl, Optional<BidiJob> bidi) {
    public SyncFile {
        bidi = bidi == null ? Optional.empty() : bidi;
    }

    public SyncFile(SyncJob job, String stateUrl) {
        this(job, stateUrl, Optional.empty());
    }

    public boolean bidirectional() {
        return bidi.isPresent();
    }
}
