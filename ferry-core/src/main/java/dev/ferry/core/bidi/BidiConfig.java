package dev.ferry.core.bidi;

import dev.ferry.core.Connectors;
import dev.ferry.core.RetrySettings;
import dev.ferry.spi.ConnectorConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The bidirectional part of a sync file (a:, b:, conflicts:, deletions:, exclude:), every problem reported at once. */
public final class BidiConfig {
    static final Set<String> SIDE_ENGINE_KEYS = Set.of("type", "key", "cursor", "modifiedAt", "table");
    static final Set<String> CONFLICT_KEYS = Set.of("strategy", "fields", "ties", "owners", "defaultOwner", "merge");
    static final Set<String> MERGE_KEYS = Set.of("numbers", "text", "sets");

    private BidiConfig() {
    }

    /** Builds the job from the file's root (after ${ENV} substitution); adds problems instead of throwing. */
    public static Optional<BidiJob> parse(Map<String, Object> root, Connectors connectors, String name, int batchSize, int readAhead,
                                          RetrySettings retry, String origin, List<String> problems) {
        for (String k : List.of("source", "destination")) {
            if (root.containsKey(k)) problems.add(k + ": not used with direction: bidirectional; describe the two sides as a: and b:");
        }
        BidiJob.Side a = side(root, "a", connectors, problems);
        BidiJob.Side b = side(root, "b", connectors, problems);
        if (a != null && b != null && !a.key().isEmpty() && !b.key().isEmpty()
                && !a.key().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList().equals(b.key().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList())) {
            problems.add("b.key: " + b.key() + " differs from a.key " + a.key() + "; both sides identify a record by the same column(s)");
        }
        if (a != null && b != null && a.resource().equals(b.resource())) {
            problems.add("b.table: a and b are the same table (" + a.table() + "); name two different tables");
        }
        List<String> exclude = strings(root.get("exclude"));
        BidiJob.ConflictPolicy policy = conflicts(root.get("conflicts"), a, b, problems);
        BidiJob.DeletionRule deletions = BidiJob.DeletionRule.REPORT;
        Object d = root.get("deletions");
        if (d != null) {
            try {
                deletions = BidiJob.DeletionRule.valueOf(String.valueOf(d).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("deletions: '" + d + "' is not a rule; use report (default), propagate or restore");
            }
        }
        if (a == null || b == null || !problems.isEmpty()) return Optional.empty();
        return Optional.of(new BidiJob(name, a, b, exclude, policy, deletions, batchSize, readAhead, retry, false,
                Optional.ofNullable(origin)));
    }

    @SuppressWarnings("unchecked")
    private static BidiJob.Side side(Map<String, Object> root, String id, Connectors connectors, List<String> problems) {
        Object v = root.get(id);
        if (v == null) {
            problems.add(id + ": required with direction: bidirectional; add an " + id + ": block (type:, url:, table:, key:)");
            return null;
        }
        if (!(v instanceof Map<?, ?>)) {
            problems.add(id + ": must be a mapping (type:, url:, table:, key:, …), not '" + v + "'");
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) v);
        String type = m.get("type") == null ? "" : String.valueOf(m.get("type"));
        ConnectorConfig cfg = new ConnectorConfig(id, m);
        if (type.isBlank()) {
            problems.add(id + ".type: required; one of " + bothWays(connectors));
            return null;
        }
        if (connectors.source(type).isEmpty() || connectors.destination(type).isEmpty()) {
            problems.add(id + ".type: '" + type + "' cannot be both read and written; a side must be one of " + bothWays(connectors));
            return null;
        }
        connectors.requireSource(type).validate(cfg, problems);
        Map<String, Object> dst = new LinkedHashMap<>(m);
        for (String k : List.of("key", "cursor", "modifiedAt", "query", "fetchSize")) dst.remove(k);
        ConnectorConfig dcfg = new ConnectorConfig(id, dst);
        List<String> dstProblems = new ArrayList<>();
        connectors.requireDestination(type).validate(dcfg, dstProblems);
        for (String p : dstProblems) if (!problems.contains(p)) problems.add(p);
        if (m.containsKey("query")) problems.add(id + ".query: a side is written as well as read; name its table: instead");
        if (m.containsKey("mode")) problems.add(id + ".mode: not used on a side; a bidirectional sync upserts both sides");
        List<String> key = cfg.strings("key");
        Optional<String> cursor = cfg.string("cursor").filter(s -> !s.isBlank());
        Optional<String> modified = cfg.string("modifiedAt").filter(s -> !s.isBlank()).or(() -> cursor);
        String table = cfg.string("table").orElse("");
        return new BidiJob.Side(id, type, cfg, dcfg, table, key, cursor, modified);
    }

    private static List<String> bothWays(Connectors connectors) {
        return connectors.sourceTypes().stream().filter(t -> connectors.destination(t).isPresent()).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    private static BidiJob.ConflictPolicy conflicts(Object v, BidiJob.Side a, BidiJob.Side b, List<String> problems) {
        BidiJob.ConflictPolicy dflt = BidiJob.ConflictPolicy.of(BidiJob.Strategy.MANUAL);
        if (v == null) return dflt;
        if (v instanceof String s) {
            v = Map.of("strategy", s);
        }
        if (!(v instanceof Map<?, ?>)) {
            problems.add("conflicts: must be a mapping (strategy:, fields:, …) or a strategy name, not '" + v + "'");
            return dflt;
        }
        Map<String, Object> m = (Map<String, Object>) v;
        for (String k : m.keySet()) {
            if (!CONFLICT_KEYS.contains(k)) problems.add("conflicts." + k + ": unknown key; known keys here are " + new java.util.TreeSet<>(CONFLICT_KEYS));
        }
        BidiJob.Strategy strategy = strategy(m.get("strategy"), "conflicts.strategy", problems, BidiJob.Strategy.MANUAL);
        Map<String, BidiJob.Strategy> fields = new LinkedHashMap<>();
        if (m.get("fields") instanceof Map<?, ?> f) {
            f.forEach((k, s) -> fields.put(String.valueOf(k), strategy(s, "conflicts.fields." + k, problems, strategy)));
        } else if (m.get("fields") != null) {
            problems.add("conflicts.fields: must map field names to strategies, e.g. {notes: merge, status: manual}");
        }
        String ties = side(m.get("ties"), "conflicts.ties", problems);
        String defaultOwner = side(m.get("defaultOwner"), "conflicts.defaultOwner", problems);
        Map<String, String> owners = new LinkedHashMap<>();
        if (m.get("owners") instanceof Map<?, ?> o) {
            o.forEach((k, s) -> owners.put(String.valueOf(k), side(s, "conflicts.owners." + k, problems)));
        } else if (m.get("owners") != null) {
            problems.add("conflicts.owners: must map field names to a or b, e.g. {email: a, phone: b}");
        }
        boolean usesOwner = strategy == BidiJob.Strategy.FIELD_OWNER || fields.containsValue(BidiJob.Strategy.FIELD_OWNER);
        if (usesOwner && owners.isEmpty() && m.get("defaultOwner") == null) {
            problems.add("conflicts.owners: field_owner needs owners: {field: a|b, …} (unlisted fields go to defaultOwner, default a)");
        }
        boolean usesNewest = strategy == BidiJob.Strategy.NEWEST_WINS || fields.containsValue(BidiJob.Strategy.NEWEST_WINS);
        if (usesNewest) {
            for (BidiJob.Side s : java.util.stream.Stream.of(a, b).filter(java.util.Objects::nonNull).toList()) {
                if (s.modifiedAt().isEmpty()) {
                    problems.add(s.id() + ".modifiedAt: newest_wins needs each side's modification-time column; set " + s.id()
                            + ".modifiedAt (or " + s.id() + ".cursor)");
                }
            }
        }
        BidiJob.NumberMerge numbers = BidiJob.NumberMerge.MAX;
        BidiJob.TextMerge text = BidiJob.TextMerge.LONGEST;
        List<String> sets = List.of();
        if (m.get("merge") instanceof Map<?, ?> mm) {
            for (Object k : mm.keySet()) {
                if (!MERGE_KEYS.contains(String.valueOf(k))) problems.add("conflicts.merge." + k + ": unknown key; known keys here are " + new java.util.TreeSet<>(MERGE_KEYS));
            }
            if (mm.get("numbers") != null) {
                try {
                    numbers = BidiJob.NumberMerge.valueOf(String.valueOf(mm.get("numbers")).trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    problems.add("conflicts.merge.numbers: '" + mm.get("numbers") + "' is not a rule; use max (default), min or sum_of_changes");
                }
            }
            if (mm.get("text") != null) {
                try {
                    text = BidiJob.TextMerge.valueOf(String.valueOf(mm.get("text")).trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    problems.add("conflicts.merge.text: '" + mm.get("text") + "' is not a rule; use longest (default), concat, a or b");
                }
            }
            sets = strings(mm.get("sets"));
        } else if (m.get("merge") != null) {
            problems.add("conflicts.merge: must be a mapping (numbers:, text:, sets:)");
        }
        return new BidiJob.ConflictPolicy(strategy, fields, ties, owners, defaultOwner, numbers, text, sets);
    }

    private static BidiJob.Strategy strategy(Object v, String path, List<String> problems, BidiJob.Strategy dflt) {
        if (v == null) return dflt;
        try {
            return BidiJob.Strategy.valueOf(String.valueOf(v).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(path + ": '" + v + "' is not a strategy; use a_wins, b_wins, newest_wins, field_owner, merge or manual");
            return dflt;
        }
    }

    private static String side(Object v, String path, List<String> problems) {
        if (v == null) return "a";
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (!s.equals("a") && !s.equals("b")) {
            problems.add(path + ": '" + v + "' is not a side; use a or b");
            return "a";
        }
        return s;
    }

    private static List<String> strings(Object v) {
        if (v == null) return List.of();
        if (v instanceof List<?> l) return l.stream().map(String::valueOf).toList();
        List<String> out = new ArrayList<>();
        for (String s : String.valueOf(v).split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }
}
