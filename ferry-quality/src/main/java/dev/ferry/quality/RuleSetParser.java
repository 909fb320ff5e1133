package dev.ferry.quality;

import dev.ferry.spi.ConfigException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles match rules and blocking keys from config data (a YAML/JSON tree), collecting every problem with
 * its key path and what to do. Shape:
 * <pre>
 * rules:
 *   - name: email
 *     all:
 *       - {field: email, normalize: email_personal, match: exact}
 *       - {field: first_name, normalize: given_name, match: jaro_winkler, threshold: 0.8, missing: pass}
 * blocking:
 *   - {name: email, parts: [{field: email, normalize: email_personal}]}
 * </pre>
 */
public final class RuleSetParser {
    private static final Set<String> CONDITION_KEYS = Set.of("field", "against", "normalize", "match", "threshold", "missing");
    private static final Set<String> PART_KEYS = Set.of("field", "normalize", "encode");

    private final Normalizers normalizers;
    private final List<Feature> features = new ArrayList<>();
    private final List<Normalizer[]> chains = new ArrayList<>();
    private final Map<Feature, Integer> index = new HashMap<>();

    public RuleSetParser(Normalizers normalizers) {
        this.normalizers = normalizers;
    }

    /** Compiles or throws a {@link ConfigException} with every problem. */
    public static RuleSet compile(Normalizers normalizers, Object rules, Object blocking, String path) {
        List<String> problems = new ArrayList<>();
        RuleSet set = new RuleSetParser(normalizers).parse(rules, blocking, path, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return set;
    }

    public RuleSet parse(Object rulesNode, Object blockingNode, String path, List<String> problems) {
        List<Rule.Named> rules = new ArrayList<>();
        String rp = join(path, "rules");
        if (!(rulesNode instanceof List<?> list) || list.isEmpty()) {
            problems.add(rp + ": required; give a list of named rules, e.g. - {name: email, field: email, normalize: email_personal, match: exact}");
        } else {
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String p = rp + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    problems.add(p + ": must be a mapping with name: and a condition (field:/all:/any:)");
                    continue;
                }
                Map<String, Object> map = strings(m);
                Object name = map.remove("name");
                if (name == null || String.valueOf(name).isBlank()) {
                    problems.add(p + ".name: required; name the rule (lineage records it), e.g. name: email");
                } else if (!names.add(String.valueOf(name))) {
                    problems.add(p + ".name: '" + name + "' is used twice; give each rule its own name");
                }
                Rule r = rule(map, p, problems);
                if (r != null && name != null) rules.add(new Rule.Named(String.valueOf(name), r));
            }
        }
        List<BlockingKey> blocking = new ArrayList<>();
        String bp = join(path, "blocking");
        if (!(blockingNode instanceof List<?> list) || list.isEmpty()) {
            problems.add(bp + ": required; give at least one blocking key (records compared only when they share one), "
                    + "e.g. - {name: email, parts: [{field: email, normalize: email_personal}]}");
        } else {
            for (int i = 0; i < list.size(); i++) {
                String p = bp + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    problems.add(p + ": must be a mapping {name:, parts: [...]}");
                    continue;
                }
                Map<String, Object> map = strings(m);
                unknown(map, Set.of("name", "parts"), p, problems);
                Object name = map.get("name");
                if (name == null) problems.add(p + ".name: required; name the key, e.g. name: email");
                if (!(map.get("parts") instanceof List<?> parts) || parts.isEmpty()) {
                    problems.add(p + ".parts: required; list the fields, e.g. [{field: last_name, normalize: name, encode: double_metaphone}]");
                    continue;
                }
                List<Integer> fs = new ArrayList<>();
                for (int j = 0; j < parts.size(); j++) {
                    String pp = p + ".parts[" + j + "]";
                    if (!(parts.get(j) instanceof Map<?, ?> pm)) {
                        problems.add(pp + ": must be a mapping {field:, normalize:, encode:}");
                        continue;
                    }
                    Map<String, Object> part = strings(pm);
                    unknown(part, PART_KEYS, pp, problems);
                    Method enc = Method.EXACT;
                    if (part.get("encode") != null) {
                        enc = Method.parse(String.valueOf(part.get("encode"))).filter(Method::phonetic).orElse(null);
                        if (enc == null) {
                            problems.add(pp + ".encode: '" + part.get("encode") + "' is not a phonetic code; use double_metaphone, soundex or beider_morse");
                            continue;
                        }
                    }
                    Integer f = feature(part, "field", enc, pp, problems);
                    if (f != null) fs.add(f);
                }
                if (name != null && fs.size() == parts.size()) blocking.add(new BlockingKey(String.valueOf(name), fs));
            }
        }
        return new RuleSet(features, chains, rules, blocking);
    }

    private Rule rule(Map<String, Object> map, String p, List<String> problems) {
        boolean all = map.containsKey("all");
        boolean any = map.containsKey("any");
        boolean cond = map.containsKey("field");
        if ((all ? 1 : 0) + (any ? 1 : 0) + (cond ? 1 : 0) != 1) {
            problems.add(p + ": give exactly one of field: (a condition), all: [...] or any: [...]");
            return null;
        }
        if (cond) return condition(map, p, problems);
        String key = all ? "all" : "any";
        unknown(map, Set.of(key), p, problems);
        if (!(map.get(key) instanceof List<?> list) || list.isEmpty()) {
            problems.add(p + "." + key + ": must be a non-empty list of conditions");
            return null;
        }
        List<Rule> nested = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String np = p + "." + key + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                problems.add(np + ": must be a mapping (field:/all:/any:)");
                continue;
            }
            Rule r = rule(strings(m), np, problems);
            if (r != null) nested.add(r);
        }
        if (nested.size() != list.size()) return null;
        return all ? new Rule.All(nested) : new Rule.Any(nested);
    }

    private Rule condition(Map<String, Object> map, String p, List<String> problems) {
        unknown(map, CONDITION_KEYS, p, problems);
        Method method = Method.EXACT;
        if (map.get("match") != null) {
            method = Method.parse(String.valueOf(map.get("match"))).orElse(null);
            if (method == null) {
                problems.add(p + ".match: '" + map.get("match") + "' is not a matcher; use one of " + methods());
                return null;
            }
        }
        double threshold = 1.0;
        if (map.get("threshold") != null) {
            if (method != Method.JARO_WINKLER && method != Method.LEVENSHTEIN) {
                problems.add(p + ".threshold: only jaro_winkler and levenshtein take a threshold; remove it or change match:");
            }
            try {
                threshold = Double.parseDouble(String.valueOf(map.get("threshold")));
                if (threshold <= 0 || threshold > 1) {
                    problems.add(p + ".threshold: " + threshold + " is out of range; use a similarity in (0, 1], e.g. 0.9");
                }
            } catch (NumberFormatException e) {
                problems.add(p + ".threshold: '" + map.get("threshold") + "' is not a number; use e.g. 0.9");
            }
        } else if (method == Method.JARO_WINKLER || method == Method.LEVENSHTEIN) {
            problems.add(p + ".threshold: required for " + method.configName() + "; give the lowest similarity that matches, e.g. 0.9");
        }
        boolean missingPasses = false;
        if (map.get("missing") != null) {
            String m = String.valueOf(map.get("missing"));
            if (m.equals("pass")) missingPasses = true;
            else if (!m.equals("fail")) problems.add(p + ".missing: '" + m + "' is not a policy; use fail (default) or pass");
        }
        Integer left = feature(map, "field", method, p, problems);
        Integer right = left;
        if (map.get("against") != null) right = feature(map, "against", method, p, problems);
        if (left == null || right == null) return null;
        String describe = features.get(left).describe() + (right.equals(left) ? "" : " ~ " + features.get(right).field())
                + " " + method.configName() + (threshold < 1 ? " >= " + threshold : "") + (missingPasses ? " (missing passes)" : "");
        return new Rule.Condition(left, right, describe, method, threshold, missingPasses);
    }

    private Integer feature(Map<String, Object> map, String fieldKey, Method encoding, String p, List<String> problems) {
        Object field = map.get(fieldKey);
        if (field == null || String.valueOf(field).isBlank()) {
            problems.add(p + "." + fieldKey + ": required; name a field of the record");
            return null;
        }
        List<String> names = new ArrayList<>();
        Object n = map.get("normalize");
        if (n instanceof List<?> l) l.forEach(x -> names.add(String.valueOf(x)));
        else if (n != null) names.add(String.valueOf(n));
        List<Normalizer> chain = new ArrayList<>();
        boolean ok = true;
        for (String name : names) {
            var norm = normalizers.named(name);
            if (norm.isEmpty()) {
                problems.add(p + ".normalize: '" + name + "' is not a normaliser; use one of " + Normalizers.NAMES);
                ok = false;
            } else {
                chain.add(norm.get());
            }
        }
        if (!ok) return null;
        Feature f = new Feature(String.valueOf(field), names, encoding.phonetic() ? encoding : Method.EXACT);
        return index.computeIfAbsent(f, k -> {
            features.add(k);
            chains.add(chain.toArray(Normalizer[]::new));
            return features.size() - 1;
        });
    }

    private static TreeSet<String> methods() {
        TreeSet<String> s = new TreeSet<>();
        for (Method m : Method.values()) s.add(m.configName());
        return s;
    }

    private static void unknown(Map<String, Object> map, Set<String> known, String p, List<String> problems) {
        for (String k : map.keySet()) {
            if (!known.contains(k)) problems.add(join(p, k) + ": unknown key; known keys here are " + new TreeSet<>(known));
        }
    }

    private static Map<String, Object> strings(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
