package dev.ferry.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run would do, found without writing (a preview, or dry run).
 *
 * @param counts  inserted, updated, unchanged, skipped, conflicts, deleted, … (only the kinds that apply)
 * @param samples up to N changes per kind ("inserted", "updated", …), in the order they were found
 * @param stats   how the preview went: rows read, key ranges compared and changed, …
 */
public record PreviewReport(String syncName, String direction, Map<String, Long> counts, Map<String, List<Sample>> samples,
                            Map<String, Object> stats, double seconds) {
    public PreviewReport {
        counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        Map<String, List<Sample>> copy = new LinkedHashMap<>();
        samples.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        samples = java.util.Collections.unmodifiableMap(copy);
        stats = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stats));
    }

    public long count(String kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** One change: the record's key and, per field that would change, its value before and after (text form). */
    public record Sample(String key, Optional<String> side, Map<String, FieldDiff> fields) {
        public Sample {
            side = side == null ? Optional.empty() : side;
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** A field's value before (empty: the record is new, or the value is null) and after. */
    public record FieldDiff(Optional<String> before, Optional<String> after) {
    }

    /** The public shape (CLI --json, the API's preview answer). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dryRun", true);
        m.put("syncId", syncName);
        m.put("direction", direction);
        m.put("counters", counts);
        Map<String, Object> s = new LinkedHashMap<>();
        samples.forEach((kind, list) -> s.put(kind, list.stream().map(PreviewReport::sampleMap).toList()));
        m.put("samples", s);
        m.put("stats", stats);
        m.put("seconds", Math.round(seconds * 1000) / 1000.0);
        return m;
    }

    private static Map<String, Object> sampleMap(Sample x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", x.key());
        x.side().ifPresent(v -> m.put("side", v));
        Map<String, Object> fields = new LinkedHashMap<>();
        x.fields().forEach((f, d) -> {
            Map<String, Object> diff = new LinkedHashMap<>();
            diff.put("old", d.before().orElse(null));
            diff.put("new", d.after().orElse(null));
            fields.put(f, diff);
        });
        m.put("fields", fields);
        return m;
    }
}
