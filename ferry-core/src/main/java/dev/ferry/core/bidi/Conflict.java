package dev.ferry.core.bidi;

import java.time.Instant;
import java.util.Optional;

/**
 * A field both sides changed to different values since the base.
 *
 * @param id         store id (0 before it is stored)
 * @param strategy   the strategy that applied
 * @param status     pending (waits for a person), resolved (a person decided; written at the next run), decided (a
 *                   rule decided and the decision is being written: the journal a re-run after a crash follows instead
 *                   of deciding again), applied (written to both sides and the base: by a rule in the run that found
 *                   it, or a person's decision since)
 * @param resolution the value both sides got (or get at the next run); empty while pending, or when it is NULL
 * @param resolvedBy "rule:a_wins", … or "user:NAME"
 */
public record Conflict(long id, String syncName, String runId, String key, String field, Optional<String> base,
                       Optional<String> aValue, Optional<String> bValue, String strategy, Status status,
                       Optional<String> resolution, Optional<String> resolvedBy, Instant detectedAt, Optional<Instant> resolvedAt) {
    public enum Status {
        PENDING, RESOLVED, DECIDED, APPLIED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Every status's label, in order, for a filter's choices ("pending", "resolved", "decided", "applied"). */
        public static java.util.List<String> labels() {
            return java.util.Arrays.stream(values()).map(Status::label).toList();
        }
    }

    public Conflict {
        base = base == null ? Optional.empty() : base;
        aValue = aValue == null ? Optional.empty() : aValue;
        bValue = bValue == null ? Optional.empty() : bValue;
        resolution = resolution == null ? Optional.empty() : resolution;
        resolvedBy = resolvedBy == null ? Optional.empty() : resolvedBy;
        resolvedAt = resolvedAt == null ? Optional.empty() : resolvedAt;
    }

    /** The same conflict as stored under {@code id}. */
    public Conflict withId(long id) {
        return new Conflict(id, syncName, runId, key, field, base, aValue, bValue, strategy, status, resolution, resolvedBy,
                detectedAt, resolvedAt);
    }

    /** The same conflict in another status (a journalled decision, once written: applied). */
    public Conflict withStatus(Status to) {
        return new Conflict(id, syncName, runId, key, field, base, aValue, bValue, strategy, to, resolution, resolvedBy,
                detectedAt, resolvedAt);
    }

    /** Resolved by a person, not yet written to the sides. */
    public boolean awaitingApply() {
        return status == Status.RESOLVED;
    }

    /** The shape `ferry conflicts show --json` and the service's API give a conflict. */
    public java.util.Map<String, Object> asMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", id);
        m.put("syncId", syncName);
        m.put("runId", runId);
        m.put("key", key);
        m.put("field", field);
        m.put("base", base.orElse(null));
        m.put("a", aValue.orElse(null));
        m.put("b", bValue.orElse(null));
        m.put("strategy", strategy);
        m.put("status", status.label());
        m.put("resolution", resolution.orElse(null));
        m.put("resolvedBy", resolvedBy.orElse(null));
        m.put("detectedAt", detectedAt.toString());
        m.put("resolvedAt", resolvedAt.map(java.time.Instant::toString).orElse(null));
        return m;
    }
}
