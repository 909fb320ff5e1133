package dev.ferry.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Compiled dedup rules: the features they need (computed once per record), the named rules (tried in order;
 * the first that passes names the match), and the blocking keys that choose which records are compared.
 */
public final class RuleSet {
    private final List<Feature> features;
    private final List<Normalizer[]> chains;
    private final List<Rule.Named> rules;
    private final List<BlockingKey> blocking;
    private final boolean[] symmetric;

    RuleSet(List<Feature> features, List<Normalizer[]> chains, List<Rule.Named> rules, List<BlockingKey> blocking) {
        this.features = List.copyOf(features);
        this.chains = List.copyOf(chains);
        this.rules = List.copyOf(rules);
        this.blocking = List.copyOf(blocking);
        for (int i = 0; i < this.features.size(); i++) caches.add(new java.util.concurrent.ConcurrentHashMap<>());
        this.symmetric = new boolean[this.rules.size()];
        for (int i = 0; i < symmetric.length; i++) symmetric[i] = this.rules.get(i).symmetric();
    }

    public List<Feature> features() {
        return features;
    }

    public List<Rule.Named> rules() {
        return rules;
    }

    public List<BlockingKey> blocking() {
        return blocking;
    }

    /** The fields the rules read. */
    public List<String> fields() {
        return features.stream().map(Feature::field).distinct().toList();
    }

    public Prepared prepare(Map<String, ?> record) {
        return prepare(f -> {
            Object v = record.get(f);
            return v == null ? null : String.valueOf(v);
        });
    }

    public Prepared prepare(Function<String, String> field) {
        String[] values = new String[features.size()];
        for (int i = 0; i < values.length; i++) {
            String raw = field.apply(features.get(i).field());
            if (raw == null || raw.isBlank()) continue;
            // names, cities and companies repeat across records: normalise each distinct value once
            Map<String, String> cache = caches.get(i);
            String v = cache.get(raw);
            if (v == null) {
                v = compute(i, raw);
                if (cache.size() > CACHE_LIMIT) cache.clear();
                cache.put(raw, v == null ? MISSING : v);
            }
            values[i] = v == MISSING ? null : v;
        }
        return new Prepared(values);
    }

    private static final String MISSING = new String("\u0000missing");
    private static final int CACHE_LIMIT = 100_000;
    private final List<Map<String, String>> caches = new ArrayList<>();

    private String compute(int i, String raw) {
        String v = raw;
        for (Normalizer n : chains.get(i)) {
            v = n.apply(v);
            if (v == null) return null;
        }
        return features.get(i).encoding().encode(v);
    }

    /**
     * The first rule that matches a and b, tried both ways round (a cross-field condition such as first name
     * against last name reads a's field and b's other field), so the answer never depends on which record came
     * first. A rule that passes on missing values alone does not count.
     */
    public Optional<Match> match(Prepared a, Prepared b) {
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i).rule();
            double s = evidence(rule.score(a, b));
            if (!symmetric[i]) s = Math.max(s, evidence(rule.score(b, a)));
            if (s >= 0) return Optional.of(new Match(rules.get(i).name(), s));
        }
        return Optional.empty();
    }

    private static double evidence(double score) {
        return score == Rule.NEUTRAL ? Rule.NO : score;
    }

    /** Every rule's verdict, for explaining a decision. */
    public List<String> explain(Prepared a, Prepared b) {
        List<String> out = new ArrayList<>();
        for (Rule.Named r : rules) {
            double s = Math.max(evidence(r.rule().score(a, b)), evidence(r.rule().score(b, a)));
            out.add(r.name() + ": " + (s < 0 ? "no" : String.format(java.util.Locale.ROOT, "match %.3f", s)));
        }
        return out;
    }

    /** The blocking keys of a record (distinct; none for a record with nothing to block on). */
    public List<String> blockingKeys(Prepared p) {
        List<String> keys = new ArrayList<>(blocking.size());
        for (BlockingKey k : blocking) {
            String v = k.of(p, features);
            if (v != null && !keys.contains(v)) keys.add(v);
        }
        return keys;
    }
}
