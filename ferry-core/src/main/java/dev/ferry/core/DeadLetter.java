package dev.ferry.core;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A record the destination refused, kept with its reason so it can be fixed and replayed.
 *
 * @param sourceKey the record's key values, as text ("a|b" for composite keys)
 * @param payload   column name → value as text (null kept); {@link Values} turns it back into typed values
 */
public record DeadLetter(long id, String runId, String syncName, String sourceKey, String reason,
                         Map<String, String> payload, Instant createdAt, Optional<Instant> resolvedAt) {
}
