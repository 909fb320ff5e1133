package dev.ferry.core;

/** Receives a run's snapshots as it goes (progress bars, SSE, logs). Called from the engine's thread: be quick. */
@FunctionalInterface
public interface RunListener {
    RunListener NONE = run -> { };

    void onUpdate(RunInfo run);

    /** A batch was written and its checkpoint committed (metrics: rows, batch latency). Called on the engine's thread. */
    default void onBatch(String runId, long seq, int rows, java.time.Duration took) {
    }

    /** A transient failure is about to be retried: which retry of the call (1 = first) and why. Engine's thread. */
    default void onRetry(String runId, int retry, String reason) {
    }
}
