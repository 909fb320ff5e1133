package dev.ferry.core;

/** Receives a run's snapshots as it goes (progress bars, SSE, logs). Called from the engine's thread: be quick. */
@FunctionalInterface
public interface RunListener {
    RunListener NONE = run -> { };

    void onUpdate(RunInfo run);
}
