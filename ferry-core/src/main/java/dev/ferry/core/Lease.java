package dev.ferry.core;

import java.util.Optional;

/**
 * The right to write one destination table; a holder with an older epoch can no longer commit.
 *
 * @param tookOverFrom the run whose stale lease this one took over (its process was gone or silent)
 */
public record Lease(String resource, String runId, long epoch, Optional<String> tookOverFrom) {
}
