package dev.ferry.core.config;

import dev.ferry.core.SyncJob;

/** A parsed sync file: the job, and where its run state lives. */
public record SyncFile(SyncJob job, String stateUrl) {
}
