package dev.ferry.connectors.http;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConnectorConfig;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** The parsed, validated, frozen settings of an {@code http} source. */
record HttpSettings(String url, String method, Optional<String> body, Map<String, String> query,
                    Map<String, String> headers, Optional<JsonPointer> records, List<String> key,
                    Optional<String> cursor, Optional<String> cursorParam, List<Column> declared, Map<String, String> paths,
                    Optional<JsonPointer> total, Duration timeout, OptionalDouble requestsPerSecond,
                    Pagination pagination, AuthSettings auth) implements HttpApi.Endpoint {

    static final Set<String> KEYS = Set.of("type", "key", "cursor", "url", "method", "body", "query", "headers",
            "records", "cursorParam", "columns", "total", "timeoutSeconds", "requestsPerSecond", "pagination", "auth",
            "baseDir");

    /** Every problem goes to {@code problems}; the result is only usable when none were added. */
    static HttpSettings parse(ConnectorConfig config, List<String> problems) {
        for (String k : config.values().keySet()) {
            if (!KEYS.contains(k)) problems.add(config.key(k) + ": unknown key; the http source knows " + new java.util.TreeSet<>(KEYS));
        }
        String url = config.require("url", problems, "give the API address, e.g. https://api.example.com/v1/orders");
        AuthSettings auth = AuthSettings.parse(config, problems);
        if (!url.isBlank()) {
            try {
                URI u = new URI(url.strip());
                boolean absolute = u.isAbsolute();
                if (absolute && !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
                    problems.add(config.key("url") + ": '" + Urls.redact(u) + "' is not http(s); give an http:// or https:// address");
                } else if (absolute && (u.getHost() == null || u.getHost().isBlank())) {
                    problems.add(config.key("url") + ": has no host; give e.g. https://api.example.com/v1/orders");
                } else if (!absolute && !(auth instanceof AuthSettings.IonApi)) {
                    problems.add(config.key("url") + ": '" + url + "' is relative; give a full https:// address "
                            + "(relative URLs are only resolved with auth.type: ionapi)");
                }
            } catch (Exception e) {
                problems.add(config.key("url") + ": not a valid URL (" + e.getMessage() + "); encode spaces and special characters");
            }
        }
        String method = config.string("method").orElse("GET").strip().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("POST")) {
            problems.add(config.key("method") + ": '" + method + "' is not supported; use GET or POST");
        }
        Optional<String> body = Optional.empty();
        Object rawBody = config.values().get("body");
        if (rawBody != null) {
            if (!method.equals("POST")) problems.add(config.key("body") + ": only used with method: POST; remove it or set method: POST");
            try {
                body = Optional.of(rawBody instanceof String s ? s : Json.MAPPER.writeValueAsString(rawBody));
                String probe = body.get().replaceAll("\"\\{\\{\\w+}}\"", "null").replaceAll("\\{\\{\\w+}}", "0");
                Json.MAPPER.readTree(probe);
            } catch (Exception e) {
                problems.add(config.key("body") + ": not valid JSON; give a JSON object (placeholders like \"{{offset}}\" are allowed)");
            }
        }
        Map<String, String> query = stringMap(config, "query", problems);
        Map<String, String> headers = stringMap(config, "headers", problems);
        Optional<JsonPointer> records = pointer(config, "records", problems);
        Optional<JsonPointer> total = pointer(config, "total", problems);

        List<String> key = config.strings("key");
        if (key.isEmpty()) problems.add(config.key("key") + ": required; name the field(s) that identify a record, e.g. key: [id]");
        Optional<String> cursor = config.string("cursor").map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> cursorParam = config.string("cursorParam").map(String::strip).filter(s -> !s.isEmpty());
        if (cursor.isPresent() && cursorParam.isEmpty()) {
            problems.add(config.key("cursorParam") + ": required with cursor; name the query parameter that takes the "
                    + "previous run's high-water mark, e.g. cursorParam: updated_since");
        }
        if (cursorParam.isPresent() && cursor.isEmpty()) {
            problems.add(config.key("cursor") + ": required with cursorParam; name the record field that changes on update, e.g. cursor: updated_at");
        }
        for (String k : key) checkName(config.key("key"), k, problems);
        cursor.ifPresent(c -> checkName(config.key("cursor"), c, problems));

        List<Column> declared = new ArrayList<>();
        Map<String, String> paths = new LinkedHashMap<>();
        Object rawColumns = config.values().get("columns");
        if (rawColumns != null && !(rawColumns instanceof Map<?, ?>)) {
            problems.add(config.key("columns") + ": give a map of field → type, e.g. {id: bigint, amount: \"decimal(12,2)\"}");
        }
        config.map("columns").forEach((name, type) -> {
            Column c = type == null ? null : parseType(name, String.valueOf(type));
            if (c == null) {
                problems.add(config.key("columns") + "." + name + ": '" + type + "' is not a type; use " + DECLARABLE);
            } else {
                declared.add(c);
                paths.put(c.name(), name);
            }
        });

        long timeoutSeconds = number(config, "timeoutSeconds", 30, problems);
        if (timeoutSeconds <= 0) problems.add(config.key("timeoutSeconds") + ": must be positive, e.g. 30");
        OptionalDouble rps = OptionalDouble.empty();
        if (config.values().get("requestsPerSecond") != null) {
            try {
                double v = Double.parseDouble(config.string("requestsPerSecond").orElseThrow().strip());
                if (!(v > 0) || Double.isInfinite(v)) throw new NumberFormatException();
                rps = OptionalDouble.of(v);
            } catch (NumberFormatException e) {
                problems.add(config.key("requestsPerSecond") + ": must be a positive number, e.g. 5 or 0.5");
            }
        }
        Pagination pagination = Pagination.parse(config, problems);
        return new HttpSettings(url.strip(), method, body, java.util.Collections.unmodifiableMap(query), java.util.Collections.unmodifiableMap(headers), records,
                List.copyOf(key), cursor, cursorParam, List.copyOf(declared), Map.copyOf(paths), total,
                Duration.ofSeconds(Math.max(1, timeoutSeconds)), rps, pagination, auth);
    }

    /** Key and cursor are column names: letters, digits and _ (a nested field is declared in columns by its path). */
    private static void checkName(String where, String name, List<String> problems) {
        if (name.contains(".")) {
            problems.add(where + ": '" + name + "' is a path; name the column '" + Json.columnName(name)
                    + "' here (a nested field becomes a column named with _ between the parts, declare it in columns as '" + name + "')");
        }
    }

    static long number(ConnectorConfig config, String key, long dflt, List<String> problems) {
        return number(config.path(), config.values().get(key), key, dflt, problems);
    }

    static long number(String path, Object v, String key, long dflt, List<String> problems) {
        if (v == null) return dflt;
        try {
            return Long.parseLong(String.valueOf(v).strip());
        } catch (NumberFormatException e) {
            problems.add(path + "." + key + ": '" + v + "' is not a whole number");
            return dflt;
        }
    }

    private static Optional<JsonPointer> pointer(ConnectorConfig config, String key, List<String> problems) {
        return pointer(config.key(key), config.string(key).orElse(null), problems);
    }

    static Optional<JsonPointer> pointer(String where, String text, List<String> problems) {
        if (text == null || text.isBlank()) return Optional.empty();
        String t = text.strip();
        if (!t.startsWith("/")) {
            problems.add(where + ": '" + t + "' is not a JSON Pointer; start it with /, e.g. /data/items");
            return Optional.empty();
        }
        try {
            return Optional.of(JsonPointer.compile(t));
        } catch (IllegalArgumentException e) {
            problems.add(where + ": '" + t + "' is not a JSON Pointer (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private static Map<String, String> stringMap(ConnectorConfig config, String key, List<String> problems) {
        Object v = config.values().get(key);
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> m)) {
            problems.add(config.key(key) + ": give a map of name → value");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, val) -> out.put(String.valueOf(k), val == null ? "" : String.valueOf(val)));
        return out;
    }

    static final String DECLARABLE = dev.ferry.spi.DeclaredType.NAMES;

    /** A declared column: its name is the field path with '.' replaced by '_'; null when the type is not understood. */
    static Column parseType(String path, String text) {
        return dev.ferry.spi.DeclaredType.parse(text).map(d -> d.column(Json.columnName(path))).orElse(null);
    }

    static JsonMapper mapper() {
        return Json.MAPPER;
    }
}
