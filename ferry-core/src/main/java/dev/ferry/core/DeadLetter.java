package dev.ferry.core;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A record that did not land, kept with its reason: {@link #FAILED} the destination refused it (fix and
 * {@code ferry replay}), or {@link #SKIPPED} it broke a validation rule of the sync file and was never written
 * ({@code field} and {@code rule} say which; replay leaves it alone: fix the source record or the rule and run again).
 *
 * @param sourceKey the record's key values, as text ("a|b" for composite keys)
 * @param payload   the source record: column name → value as text (null kept); {@link Values} turns it back into typed values
 * @param category  {@link #FAILED} or {@link #SKIPPED}
 */
public record DeadLetter(long id, String runId, String syncName, String sourceKey, String reason,
                         Map<String, String> payload, Instant createdAt, Optional<Instant> resolvedAt,
                         String category, Optional<String> field, Optional<String> rule) {
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    public DeadLetter {
        category = category == null ? FAILED : category;
        field = field == null ? Optional.empty() : field;
        rule = rule == null ? Optional.empty() : rule;
    }

    /** A record the destination refused (category failed). */
    public DeadLetter(long id, String runId, String syncName, String sourceKey, String reason,
                      Map<String, String> payload, Instant createdAt, Optional<Instant> resolvedAt) {
        this(id, runId, syncName, sourceKey, reason, payload, createdAt, resolvedAt, FAILED, Optional.empty(), Optional.empty());
    }

    public boolean skipped() {
        return SKIPPED.equals(category);
    }

    public DeadLetter withId(long newId, Optional<Instant> resolved) {
        return new DeadLetter(newId, runId, syncName, sourceKey, reason, payload, createdAt, resolved, category, field, rule);
    }
}
