package dev.ferry.connectors.http;

import dev.ferry.spi.ConnectorConfig;
import tools.jackson.core.JsonPointer;

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
import java.util.TreeSet;

/** The parsed, validated, frozen settings of an {@code async-query} source (see docs/connectors.md). */
record AsyncQuerySettings(String url, AuthSettings auth, Map<String, String> headers, Duration timeout,
                          OptionalDouble requestsPerSecond, Submit submit, Status status, Results results,
                          AsyncSql sql, boolean countQuery, List<dev.ferry.spi.Column> types) implements HttpApi.Endpoint {

    /** How a query is submitted: {@code body} is a JSON template holding "{{sql}}". */
    record Submit(String path, String method, String body, JsonPointer jobIdPath) {}

    /** How a job's state is polled. */
    record Status(String path, JsonPointer statePath, Set<String> finished, Set<String> failed,
                  Optional<JsonPointer> errorPath, Duration pollInitial, Duration pollMax, Duration timeout) {}

    /** How a finished job's rows are paged. */
    record Results(String path, Optional<JsonPointer> records, Pagination pagination, Optional<JsonPointer> columnsPath) {}

    static final Set<String> KEYS = Set.of("type", "url", "auth", "headers", "timeoutSeconds", "requestsPerSecond",
            "submit", "status", "results", "query", "table", "columns", "types", "where", "key", "cursor", "countQuery", "baseDir");
    private static final Set<String> SUBMIT_KEYS = Set.of("path", "method", "body", "jobIdPath");
    private static final Set<String> STATUS_KEYS = Set.of("path", "statePath", "finished", "failed", "errorPath",
            "pollInitialMs", "pollMaxMs", "timeoutSeconds");
    private static final Set<String> RESULTS_KEYS = Set.of("path", "records", "pagination", "columnsPath");
    static final String DEFAULT_BODY = "{\"query\": \"{{sql}}\"}";

    static AsyncQuerySettings parse(ConnectorConfig config, List<String> problems) {
        for (String k : config.values().keySet()) {
            if (!KEYS.contains(k)) problems.add(config.key(k) + ": unknown key; the async-query source knows " + new TreeSet<>(KEYS));
        }
        String url = config.require("url", problems, "give the query API's base address, e.g. https://lake.example.com/api/v1");
        AuthSettings auth = AuthSettings.parse(config, problems);
        if (!url.isBlank()) {
            try {
                URI u = new URI(url.strip());
                if (u.isAbsolute() && !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
                    problems.add(config.key("url") + ": '" + Urls.redact(u) + "' is not http(s); give an http:// or https:// address");
                } else if (!u.isAbsolute() && !(auth instanceof AuthSettings.IonApi)) {
                    problems.add(config.key("url") + ": '" + url + "' is relative; give a full https:// address "
                            + "(relative URLs are only resolved with auth.type: ionapi)");
                }
            } catch (Exception e) {
                problems.add(config.key("url") + ": not a valid URL (" + e.getMessage() + "); encode spaces and special characters");
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Object rawHeaders = config.values().get("headers");
        if (rawHeaders != null && !(rawHeaders instanceof Map<?, ?>)) problems.add(config.key("headers") + ": give a map of name → value");
        config.map("headers").forEach((k, v) -> headers.put(k, v == null ? "" : String.valueOf(v)));
        long timeoutSeconds = HttpSettings.number(config, "timeoutSeconds", 30, problems);
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

        Submit submit = submit(block(config, "submit", SUBMIT_KEYS, problems), problems);
        Status status = status(block(config, "status", STATUS_KEYS, problems), problems);
        Results results = results(block(config, "results", RESULTS_KEYS, problems), problems);
        AsyncSql sql = sql(config, problems);
        boolean countQuery = !"false".equalsIgnoreCase(config.string("countQuery").orElse("true").strip());
        // declared column types: the schema is known without running a sample job first
        List<dev.ferry.spi.Column> types = new java.util.ArrayList<>();
        Object rawTypes = config.values().get("types");
        if (rawTypes != null && !(rawTypes instanceof Map<?, ?>)) {
            problems.add(config.key("types") + ": give a map of column → type, e.g. {id: bigint, amount: \"decimal(12,2)\"}");
        }
        config.map("types").forEach((name, type) -> {
            dev.ferry.spi.Column c = type == null ? null : HttpSettings.parseType(name, String.valueOf(type));
            if (c == null) problems.add(config.key("types") + "." + name + ": '" + type + "' is not a type; use " + HttpSettings.DECLARABLE);
            else types.add(c);
        });
        return new AsyncQuerySettings(url.strip(), auth, java.util.Collections.unmodifiableMap(headers),
                Duration.ofSeconds(Math.max(1, timeoutSeconds)), rps, submit, status, results, sql, countQuery, List.copyOf(types));
    }

    /** A nested block as its own config (path "source.submit" …), unknown keys reported. */
    private static ConnectorConfig block(ConnectorConfig config, String key, Set<String> known, List<String> problems) {
        Object raw = config.values().get(key);
        if (raw == null) {
            problems.add(config.key(key) + ": required; give a map, see docs/connectors.md (async-query)");
            return new ConnectorConfig(config.key(key), Map.of());
        }
        if (!(raw instanceof Map<?, ?>)) {
            problems.add(config.key(key) + ": give a map, e.g. {path: /jobs/{jobId}, …}");
            return new ConnectorConfig(config.key(key), Map.of());
        }
        ConnectorConfig c = new ConnectorConfig(config.key(key), config.map(key));
        for (String k : c.values().keySet()) {
            if (!known.contains(k)) problems.add(c.key(k) + ": unknown key; " + key + " takes " + new TreeSet<>(known));
        }
        return c;
    }

    private static Submit submit(ConnectorConfig c, List<String> problems) {
        String path = c.values().isEmpty() ? "" : c.require("path", problems, "give the address (relative to url) that takes a query, e.g. /statements");
        String method = c.string("method").orElse("POST").strip().toUpperCase(Locale.ROOT);
        if (!method.equals("POST")) problems.add(c.key("method") + ": '" + method + "' is not supported; queries are submitted with POST");
        String body = DEFAULT_BODY;
        Object raw = c.values().get("body");
        if (raw != null) {
            try {
                body = raw instanceof String s ? s : Json.MAPPER.writeValueAsString(raw);
                Json.MAPPER.readTree(body.replaceAll("\"\\{\\{\\w+}}\"", "null").replaceAll("\\{\\{\\w+}}", "0"));
            } catch (Exception e) {
                problems.add(c.key("body") + ": not valid JSON; give a JSON object with \"{{sql}}\" where the query goes, e.g. {\"query\": \"{{sql}}\"}");
            }
            if (!body.contains("\"{{sql}}\"")) {
                problems.add(c.key("body") + ": has no \"{{sql}}\" placeholder; put \"{{sql}}\" (with the quotes) where the query text goes");
            }
        }
        Optional<JsonPointer> jobId = HttpSettings.pointer(c.key("jobIdPath"), c.string("jobIdPath").orElse(null), problems);
        if (!c.values().isEmpty() && c.string("jobIdPath").isEmpty()) {
            problems.add(c.key("jobIdPath") + ": required; give the JSON Pointer to the job id in the submit answer, e.g. /id");
        }
        return new Submit(path.strip(), method, body, jobId.orElse(JsonPointer.empty()));
    }

    private static Status status(ConnectorConfig c, List<String> problems) {
        boolean given = !c.values().isEmpty();
        String path = given ? c.require("path", problems, "give the job's status address with {jobId}, e.g. /statements/{jobId}") : "";
        if (!path.isBlank() && !path.contains("{jobId}")) {
            problems.add(c.key("path") + ": has no {jobId} placeholder; e.g. /statements/{jobId}");
        }
        Optional<JsonPointer> state = HttpSettings.pointer(c.key("statePath"), c.string("statePath").orElse(null), problems);
        if (given && c.string("statePath").isEmpty()) {
            problems.add(c.key("statePath") + ": required; give the JSON Pointer to the job's state, e.g. /state");
        }
        Set<String> finished = upper(c.strings("finished"));
        Set<String> failed = upper(c.strings("failed"));
        if (given && finished.isEmpty()) problems.add(c.key("finished") + ": required; list the states of a finished job, e.g. [FINISHED, SUCCEEDED]");
        if (given && failed.isEmpty()) problems.add(c.key("failed") + ": required; list the states of a failed job, e.g. [FAILED, CANCELLED]");
        for (String s : finished) {
            if (failed.contains(s)) problems.add(c.key("failed") + ": '" + s + "' is also in finished; a state is either finished or failed");
        }
        Optional<JsonPointer> error = HttpSettings.pointer(c.key("errorPath"), c.string("errorPath").orElse(null), problems);
        long initial = HttpSettings.number(c, "pollInitialMs", 500, problems);
        long max = HttpSettings.number(c, "pollMaxMs", 10_000, problems);
        long timeout = HttpSettings.number(c, "timeoutSeconds", 3600, problems);
        if (initial <= 0) problems.add(c.key("pollInitialMs") + ": must be positive, e.g. 500");
        if (max < initial) problems.add(c.key("pollMaxMs") + ": must be at least pollInitialMs (" + initial + "), e.g. 10000");
        if (timeout <= 0) problems.add(c.key("timeoutSeconds") + ": must be positive, e.g. 3600");
        return new Status(path.strip(), state.orElse(JsonPointer.empty()), finished, failed, error,
                Duration.ofMillis(Math.max(1, initial)), Duration.ofMillis(Math.max(Math.max(1, initial), max)),
                Duration.ofSeconds(Math.max(1, timeout)));
    }

    private static Results results(ConnectorConfig c, List<String> problems) {
        boolean given = !c.values().isEmpty();
        String path = given ? c.require("path", problems, "give the job's results address with {jobId}, e.g. /statements/{jobId}/results") : "";
        if (!path.isBlank() && !path.contains("{jobId}")) {
            problems.add(c.key("path") + ": has no {jobId} placeholder; e.g. /statements/{jobId}/results");
        }
        Optional<JsonPointer> records = HttpSettings.pointer(c.key("records"), c.string("records").orElse(null), problems);
        Optional<JsonPointer> columns = HttpSettings.pointer(c.key("columnsPath"), c.string("columnsPath").orElse(null), problems);
        Pagination pagination = Pagination.parse(c, problems);
        return new Results(path.strip(), records, pagination, columns);
    }

    private static AsyncSql sql(ConnectorConfig config, List<String> problems) {
        Optional<String> query = config.string("query").map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.replaceAll("[;\\s]+$", ""));
        String table = config.string("table").map(String::strip).orElse("");
        List<String> columns = config.strings("columns");
        Object rawWhere = config.values().get("where");
        if (query.isPresent() && !table.isEmpty()) {
            problems.add(config.key("query") + ": give either query or table (with columns and where), not both");
        } else if (query.isEmpty() && table.isEmpty()) {
            problems.add(config.key("table") + ": required unless query is given; name the table, e.g. table: lake.orders, or give query: \"select …\"");
        }
        if (query.isPresent() && (!columns.isEmpty() || rawWhere != null)) {
            problems.add(config.key(columns.isEmpty() ? "where" : "columns") + ": only used with table; put the columns and filters into query instead");
        }
        if (!table.isEmpty() && !AsyncSql.validIdent(table)) problems.add(config.key("table") + ": '" + table + "' " + IDENT_HINT);
        if (columns.size() == 1 && columns.get(0).strip().equals("*")) columns = List.of();
        for (String col : columns) if (!AsyncSql.validIdent(col.strip())) problems.add(config.key("columns") + ": '" + col + "' " + IDENT_HINT);
        Map<String, Object> where = new LinkedHashMap<>();
        if (rawWhere != null && !(rawWhere instanceof Map<?, ?>)) {
            problems.add(config.key("where") + ": give a map of column → value, e.g. {whseid: wmwhse1}");
        }
        config.map("where").forEach((k, v) -> {
            if (!AsyncSql.validIdent(k)) problems.add(config.key("where") + "." + k + ": '" + k + "' " + IDENT_HINT);
            if (v instanceof Map<?, ?> || v instanceof List<?>) problems.add(config.key("where") + "." + k + ": give one value (equality filter)");
            where.put(k, v);
        });
        List<String> key = config.strings("key");
        if (key.isEmpty()) problems.add(config.key("key") + ": required; name the column(s) that identify a row, e.g. key: [id]");
        for (String k : key) if (!AsyncSql.validIdent(k)) problems.add(config.key("key") + ": '" + k + "' " + IDENT_HINT);
        Optional<String> cursor = config.string("cursor").map(String::strip).filter(s -> !s.isEmpty());
        cursor.filter(c -> !AsyncSql.validIdent(c)).ifPresent(c -> problems.add(config.key("cursor") + ": '" + c + "' " + IDENT_HINT));
        List<String> cols = new ArrayList<>();
        for (String col : columns) cols.add(col.strip());
        return new AsyncSql(query, table, List.copyOf(cols), java.util.Collections.unmodifiableMap(where), List.copyOf(key), cursor);
    }

    private static final String IDENT_HINT = "is not a plain identifier; use letters, digits, _ and $ (dots between "
            + "schema and table), starting with a letter or _ — or write the SQL yourself in query";

    private static Set<String> upper(List<String> values) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String v : values) out.add(v.strip().toUpperCase(Locale.ROOT));
        return out;
    }
}
