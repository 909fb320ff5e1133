package dev.ferry.core;

import java.util.concurrent.atomic.AtomicBoolean;

/** Asks a run to stop after its current batch (the checkpoint stays, so the next run resumes). */
public final class CancelToken {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }
}
