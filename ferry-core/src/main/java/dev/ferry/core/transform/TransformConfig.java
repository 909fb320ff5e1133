package dev.ferry.core.transform;

import dev.ferry.spi.DeclaredType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code transform:} and {@code derive:} sections of a sync file into a {@link TransformSpec}, adding every
 * problem (key path + what to do) to the caller's list. Expressions are parsed here, so one that does not parse is
 * reported before anything connects. Fields are checked against the source's columns when the run opens it.
 */
public final class TransformConfig {
    static final Set<String> TRANSFORM_KEYS = Set.of("mapping", "validate", "lookups", "key");
    static final Set<String> FIELD_KEYS = Set.of("expr", "type", "format");
    static final Set<String> RULE_KEYS = Set.of("required", "type", "pattern", "allowed", "min", "max", "minLength", "maxLength");
    static final Set<String> DERIVE_KEYS = Set.of("table", "when", "link", "mapping");

    private TransformConfig() {
    }

    public static TransformSpec parse(Object transform, Object derive, List<String> problems) {
        if (transform == null && derive == null) return TransformSpec.NONE;
        Map<String, Object> t = map(transform, "transform", problems);
        unknown(t, TRANSFORM_KEYS, "transform", problems);
        Map<String, Object> lookups = new LinkedHashMap<>();
        map(t.get("lookups"), "transform.lookups", problems).forEach((name, table) -> {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problems.add("transform.lookups." + name + ": name it with letters, digits and _ (it becomes the variable $" + name + ")");
            } else if (!(table instanceof Map<?, ?>)) {
                problems.add("transform.lookups." + name + ": must be a mapping of key: value, e.g. {DE: Germany, FR: France}");
            } else {
                // a mutable map: JSONata looks absent keys up as null, which immutable maps refuse
                Map<String, Object> copy = new LinkedHashMap<>();
                ((Map<?, ?>) table).forEach((k, v) -> copy.put(String.valueOf(k), v));
                lookups.put(name, copy);
            }
        });
        List<FieldMapping> mapping = mappings(t.get("mapping"), "transform.mapping", problems);
        List<String> key = strings(t.get("key"));
        List<FieldRule> rules = new ArrayList<>();
        map(t.get("validate"), "transform.validate", problems).forEach((field, v) -> rules.add(rule(field, v, problems)));
        List<DeriveSpec> derived = new ArrayList<>();
        if (derive != null) {
            if (!(derive instanceof List<?> list)) {
                problems.add("derive: must be a list of derived tables (- table: …, when: …, mapping: …)");
            } else {
                for (int i = 0; i < list.size(); i++) derived.add(derived(list.get(i), "derive[" + i + "]", problems));
            }
        }
        Set<String> tables = new java.util.HashSet<>();
        for (int i = 0; i < derived.size(); i++) {
            if (!derived.get(i).table().isBlank() && !tables.add(derived.get(i).table().toLowerCase(Locale.ROOT))) {
                problems.add("derive[" + i + "].table: " + derived.get(i).table() + " is derived twice; give each derived table once");
            }
        }
        return new TransformSpec(mapping, lookups, key, rules, derived);
    }

    private static DeriveSpec derived(Object node, String path, List<String> problems) {
        Map<String, Object> d = map(node, path, problems);
        unknown(d, DERIVE_KEYS, path, problems);
        String table = d.get("table") == null ? "" : String.valueOf(d.get("table")).trim();
        if (table.isEmpty()) problems.add(path + ".table: required; name the destination table for the derived rows");
        Optional<String> when = Optional.ofNullable(d.get("when")).map(String::valueOf);
        when.ifPresent(w -> CompiledField.parseProblem(w).ifPresent(p -> problems.add(path + ".when: expression does not parse: " + p)));
        List<FieldMapping> mapping = mappings(d.get("mapping"), path + ".mapping", problems);
        return new DeriveSpec(table, when, strings(d.get("link")), mapping);
    }

    private static List<FieldMapping> mappings(Object node, String path, List<String> problems) {
        List<FieldMapping> out = new ArrayList<>();
        map(node, path, problems).forEach((name, v) -> {
            String p = path + "." + name;
            if (!name.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
                problems.add(p + ": output field names use letters, digits, _ and $");
                return;
            }
            String expr;
            Optional<DeclaredType> type = Optional.empty();
            Optional<String> format = Optional.empty();
            if (v instanceof Map<?, ?>) {
                Map<String, Object> m = map(v, p, problems);
                unknown(m, FIELD_KEYS, p, problems);
                expr = m.get("expr") == null ? name : String.valueOf(m.get("expr"));
                if (m.get("type") != null) {
                    type = DeclaredType.parse(String.valueOf(m.get("type")));
                    if (type.isEmpty()) problems.add(p + ".type: '" + m.get("type") + "' is not a type; use one of " + DeclaredType.NAMES);
                }
                format = Optional.ofNullable(m.get("format")).map(String::valueOf);
                if (format.isPresent() && type.isEmpty() && m.get("type") == null) {
                    problems.add(p + ".format: needs a type: to convert to (e.g. type: date, format: dd.MM.yyyy)");
                } else if (format.isPresent() && type.isPresent()) {
                    Optional<String> bad = Conversion.checkFormat(type.get().type(), format.get());
                    if (bad.isPresent()) problems.add(p + ".format: " + bad.get());
                }
            } else if (v == null) {
                expr = name;
            } else if (v instanceof String s) {
                expr = s;
            } else {
                expr = String.valueOf(v); // a YAML number or boolean: a constant
            }
            Optional<String> parse = CompiledField.parseProblem(expr);
            if (parse.isPresent()) {
                problems.add(p + ": expression does not parse: " + parse.get() + " (a text constant needs quotes inside: \"'crm'\")");
            }
            out.add(new FieldMapping(name, expr, type, format));
        });
        return out;
    }

    private static FieldRule rule(String field, Object node, List<String> problems) {
        String p = "transform.validate." + field;
        Map<String, Object> r = map(node, p, problems);
        unknown(r, RULE_KEYS, p, problems);
        boolean required = r.get("required") != null && Boolean.parseBoolean(String.valueOf(r.get("required")));
        Optional<String> type = Optional.ofNullable(r.get("type")).map(x -> String.valueOf(x).toLowerCase(Locale.ROOT));
        if (type.isPresent() && !RuleCheck.TYPES.contains(type.get())) {
            problems.add(p + ".type: '" + type.get() + "' is not a rule type; use one of " + new TreeSet<>(RuleCheck.TYPES));
        }
        Optional<Pattern> pattern = Optional.empty();
        if (r.get("pattern") != null) {
            try {
                pattern = Optional.of(Pattern.compile(String.valueOf(r.get("pattern"))));
            } catch (PatternSyntaxException e) {
                problems.add(p + ".pattern: not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
            }
        }
        List<String> allowed = strings(r.get("allowed"));
        Optional<String> min = bound(r.get("min"), p + ".min", problems);
        Optional<String> max = bound(r.get("max"), p + ".max", problems);
        return new FieldRule(field, required, type, pattern, allowed, min, max,
                length(r.get("minLength"), p + ".minLength", problems), length(r.get("maxLength"), p + ".maxLength", problems));
    }

    private static Optional<String> bound(Object v, String path, List<String> problems) {
        if (v == null) return Optional.empty();
        String s = String.valueOf(v).trim();
        if (!RuleCheck.validBound(s)) {
            problems.add(path + ": '" + s + "' is neither a number nor an ISO date/timestamp (2024-01-31, 2024-01-31T12:00:00)");
            return Optional.empty();
        }
        return Optional.of(s);
    }

    private static Optional<Integer> length(Object v, String path, List<String> problems) {
        if (v == null) return Optional.empty();
        try {
            int n = Integer.parseInt(String.valueOf(v).trim());
            if (n >= 0) return Optional.of(n);
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(path + ": '" + v + "' is not a length; use a whole number ≥ 0");
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String path, List<String> problems) {
        if (node == null) return Map.of();
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        problems.add(path + ": must be a mapping, not '" + node + "'");
        return Map.of();
    }

    private static List<String> strings(Object v) {
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) out.add(String.valueOf(o));
        } else {
            for (String s : String.valueOf(v).split(",")) if (!s.isBlank()) out.add(s.trim());
        }
        return out;
    }

    private static void unknown(Map<String, Object> map, Set<String> known, String path, List<String> problems) {
        for (String k : map.keySet()) {
            if (!known.contains(k)) problems.add(path + "." + k + ": unknown key; known keys here are " + new TreeSet<>(known));
        }
    }
}
