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

    /**
     * Percent complete: the source's preparation (a download, a pass over a file) fills its share of the bar
     * ({@code stats.preparationShare}), rows processed of the total fill the rest. Empty while nothing says how far.
     */
    public Optional<Double> percent() {
        if (status == RunStatus.SUCCEEDED) return Optional.of(100.0);
        double share = stats.get("preparationShare") instanceof Number n ? Math.max(0, Math.min(1, n.doubleValue())) : 0;
        double prepared = stats.get("preparationProgress") instanceof Number n ? Math.max(0, Math.min(1, n.doubleValue())) : 1;
        if (counters.total() <= 0) {
            return share > 0 && prepared < 1 ? Optional.of(100.0 * share * prepared) : Optional.empty();
        }
        double rows = Math.min(1.0, (double) counters.processed() / counters.total());
        return Optional.of(Math.min(100.0, 100.0 * (share * prepared + (1 - share) * rows)));
    }
}
