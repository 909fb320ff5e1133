package dev.ferry.core.bidi;

import dev.ferry.core.RetrySettings;
import dev.ferry.spi.ConnectorConfig;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A validated bidirectional sync: two sides, each read as a source and written as a destination, the fields kept
 * equal between them, and the rules for conflicts and deletions.
 *
 * @param exclude columns not synchronised (besides each side's modifiedAt and cursor columns, always excluded)
 */
public record BidiJob(String name, Side a, Side b, List<String> exclude, ConflictPolicy conflicts, DeletionRule deletions,
                      int batchSize, int readAhead, RetrySettings retry, boolean fullRefresh, Optional<String> origin) {
    public BidiJob {
        exclude = List.copyOf(exclude);
        origin = origin == null ? Optional.empty() : origin;
    }

    public BidiJob withFullRefresh(boolean value) {
        return new BidiJob(name, a, b, exclude, conflicts, deletions, batchSize, readAhead, retry, value, origin);
    }

    public Side side(String id) {
        return "a".equals(id) ? a : b;
    }

    /**
     * One side.
     *
     * @param id         "a" or "b"
     * @param source     the side's block as a source reads it (the path is "a" or "b")
     * @param cursor     incremental: read only rows whose cursor moved past this side's high-water mark
     * @param modifiedAt the row's modification time, for newest_wins (defaults to the cursor)
     */
    public record Side(String id, String type, ConnectorConfig source, ConnectorConfig destination, String table,
                       List<String> key, Optional<String> cursor, Optional<String> modifiedAt) {
        public Side {
            key = List.copyOf(key);
        }

        /** The leased resource (type, server, table), as a one-way run names its destination. */
        public String resource() {
            String url = destination.string("url").orElse("");
            int q = url.indexOf('?');
            if (q >= 0) url = url.substring(0, q);
            int semi = url.indexOf(';');
            if (semi >= 0) url = url.substring(0, semi);
            return type + ":" + url + "#" + table.toLowerCase(Locale.ROOT);
        }
    }

    public enum Strategy {
        A_WINS, B_WINS, NEWEST_WINS, FIELD_OWNER, MERGE, MANUAL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum DeletionRule {
        REPORT, PROPAGATE, RESTORE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** merge: how two different non-empty values combine. */
    public enum NumberMerge { MAX, MIN, SUM_OF_CHANGES }

    public enum TextMerge { LONGEST, CONCAT, A, B }

    /**
     * @param strategy      the sync's strategy
     * @param fields        per-field overrides
     * @param ties          newest_wins: the side that wins equal (or missing) modification times
     * @param owners        field_owner: field → "a" or "b"; unlisted fields belong to {@code defaultOwner}
     * @param sets          merge: fields holding comma-separated sets, united
     */
    public record ConflictPolicy(Strategy strategy, Map<String, Strategy> fields, String ties, Map<String, String> owners,
                                 String defaultOwner, NumberMerge numbers, TextMerge text, List<String> sets) {
        public ConflictPolicy {
            fields = Map.copyOf(fields);
            owners = Map.copyOf(owners);
            sets = List.copyOf(sets);
        }

        public static ConflictPolicy of(Strategy s) {
            return new ConflictPolicy(s, Map.of(), "a", Map.of(), "a", NumberMerge.MAX, TextMerge.LONGEST, List.of());
        }

        public Strategy strategyFor(String field) {
            for (var e : fields.entrySet()) if (e.getKey().equalsIgnoreCase(field)) return e.getValue();
            return strategy;
        }

        public String ownerOf(String field) {
            for (var e : owners.entrySet()) if (e.getKey().equalsIgnoreCase(field)) return e.getValue();
            return defaultOwner;
        }

        public boolean isSet(String field) {
            return sets.stream().anyMatch(f -> f.equalsIgnoreCase(field));
        }
    }
}
