package dev.ferry.core;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One run as the store keeps it and as status/history/the API show it.
 *
 * @param destination the leased resource the run writes (type + table)
 * @param resumedFrom the interrupted run this one continued, if any
 * @param options     how it was started (mode, fullRefresh, batchSize, …)
 * @param stats       figures from the source and engine (bytes, lines, rowsPerSecond, …)
 */
public record RunInfo(String runId, String syncName, String destination, RunStatus status, Phase phase,
                      Counters counters, Instant startedAt, Optional<Instant> finishedAt,
                      Optional<String> message, Optional<String> error, Optional<String> resumedFrom,
                      Map<String, Object> options, Map<String, Object> stats) {
    public RunInfo {
        options = Map.copyOf(options);
        stats = Map.copyOf(stats);
    }

    /** Percent complete, when the total is known. */
    public Optional<Double> percent() {
        if (counters.total() <= 0) return status == RunStatus.SUCCEEDED ? Optional.of(100.0) : Optional.empty();
        return Optional.of(Math.min(100.0, 100.0 * counters.processed() / counters.total()));
    }
}
