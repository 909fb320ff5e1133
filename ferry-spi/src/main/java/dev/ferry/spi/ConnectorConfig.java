package dev.ferry.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A connector's settings from the sync file (a source: or destination: block), already ${ENV}-substituted.
 * Lookups record problems instead of throwing, so a factory can report every one at once.
 *
 * @param path the key path of this block in the sync file, e.g. "source"
 */
public record ConnectorConfig(String path, Map<String, Object> values) {
    public ConnectorConfig {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Optional<String> string(String key) {
        Object v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
    }

    public String require(String key, List<String> problems, String hint) {
        Optional<String> v = string(key).filter(s -> !s.isBlank());
        if (v.isEmpty()) {
            problems.add(path + "." + key + ": required; " + hint);
            return "";
        }
        return v.get();
    }

    /** A string or a list of strings ("key: id" and "key: [a, b]" both work). */
    public List<String> strings(String key) {
        Object v = values.get(key);
        if (v == null) return List.of();
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) out.add(String.valueOf(o));
            return out;
        }
        List<String> out = new ArrayList<>();
        for (String s : String.valueOf(v).split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String key) {
        Object v = values.get(key);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    public String key(String key) {
        return path + "." + key;
    }
}
