package dev.ferry.cli;

import dev.ferry.core.SyncJob;

/** A parsed sync file: the job, and where its run state lives. */
public record SyncFile(SyncJob job, String stateUrl) {
}
