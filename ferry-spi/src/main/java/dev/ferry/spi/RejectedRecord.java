package dev.ferry.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A record the source read but could not turn into a row of its schema (a value that does not parse, a line with
 * too many fields). It travels with its batch so the engine dead-letters it in the same step as the batch's
 * checkpoint: it is counted as failed and kept with its reason, never dropped silently.
 *
 * @param key     the record's key values as text ("a|b" for composite keys), as far as they could be read
 * @param reason  what is wrong and the fix, e.g. "line 12, column amount: '1.2.3' is not a decimal; declare …"
 * @param payload column name → the raw text read (null for a missing cell)
 */
public record RejectedRecord(String key, String reason, Map<String, String> payload) {
    public RejectedRecord {
        Objects.requireNonNull(reason, "reason");
        key = key == null ? "" : key;
        payload = payload == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(payload));
    }
}
