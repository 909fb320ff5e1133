package dev.ferry.connectors.csv;

import dev.ferry.spi.ConnectorConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The csv source's settings, parsed and checked from a sync file's source: block, then frozen.
 *
 * @param file          the local file (from source.path), resolved against source.baseDir when relative
 * @param url           the http(s) address to download (from source.url)
 * @param declared      source.columns: normalized column name → declared type (empty Optional = infer)
 * @param nullValues    unquoted cell texts read as null ("" = an empty unquoted cell)
 * @param httpHeaders   request headers for url; values may be secrets and never reach a message or log
 * @param failOnBadRows source.badRows: fail — a record that does not fit the schema stops the run before anything is
 *                      written; dead_letter (default) — it becomes a dead letter with its reason, the rest lands
 * @param decimalComma  source.decimalSeparator: ',' — numbers are written the continental way (1.234,56)
 */
record CsvSettings(Optional<Path> file, Optional<URI> url, List<String> key, Optional<String> cursor,
                   char delimiter, char quote, boolean header, Charset encoding, Set<String> nullValues,
                   Map<String, Optional<CsvTypes.Declared>> declared, int inferRows,
                   Map<String, String> httpHeaders, Duration timeout, boolean failOnBadRows, boolean decimalComma) {

    static final List<String> DEFAULT_NULL_VALUES = List.of("");
    static final int DEFAULT_INFER_ROWS = 1000;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** Keys this source reads; anything else is most likely a typo worth reporting. */
    static final Set<String> KNOWN_KEYS = Set.of("type", "path", "url", "sheet", "key", "cursor", "delimiter", "quote", "header",
            "encoding", "nullValues", "columns", "inferRows", "headers", "timeoutSeconds", "badRows", "decimalSeparator", "baseDir");

    /**
     * {@code sheet: {id: SHEET_ID, gid: 0}} (or just the id) becomes the sheet's CSV export URL; the sheet must be
     * shared as "anyone with the link" or published.
     */
    static Optional<String> sheetExportUrl(ConnectorConfig config, List<String> problems) {
        Object v = config.values().get("sheet");
        String id;
        String gid = "0";
        if (v instanceof java.util.Map<?, ?> m) {
            id = m.get("id") == null ? "" : String.valueOf(m.get("id")).trim();
            if (m.get("gid") != null) gid = String.valueOf(m.get("gid")).trim();
        } else {
            id = v == null ? "" : String.valueOf(v).trim();
        }
        boolean ok = true;
        if (!id.matches("[A-Za-z0-9_-]{10,}")) {
            problems.add(config.key("sheet") + ".id: '" + id + "' is not a Google Sheets id; copy it from the sheet's address "
                    + "https://docs.google.com/spreadsheets/d/<id>/edit");
            ok = false;
        }
        if (!gid.matches("\\d+")) {
            problems.add(config.key("sheet") + ".gid: '" + gid + "' is not a tab id; copy the number after gid= in the sheet's address");
            ok = false;
        }
        return ok ? Optional.of("https://docs.google.com/spreadsheets/d/" + id + "/export?format=csv&gid=" + gid) : Optional.empty();
    }

    /** Parses {@code config}, adding every problem (key path + fix) to {@code problems}; the result is only usable without problems. */
    static CsvSettings parse(ConnectorConfig config, List<String> problems) {
        String p = config.path();
        for (String k : config.values().keySet()) {
            if (!KNOWN_KEYS.contains(k)) {
                problems.add(config.key(k) + ": unknown setting for a csv source; known settings are "
                        + String.join(", ", KNOWN_KEYS.stream().filter(x -> !x.equals("baseDir")).sorted().toList()));
            }
        }

        Optional<String> pathText = config.string("path").filter(s -> !s.isBlank());
        Optional<String> urlText = config.string("url").filter(s -> !s.isBlank());
        if (config.values().containsKey("sheet")) {
            Optional<String> sheetUrl = sheetExportUrl(config, problems);
            if (urlText.isPresent() && sheetUrl.isPresent()) problems.add(p + ": give either url or sheet, not both");
            else if (urlText.isEmpty()) urlText = sheetUrl;
        }
        Optional<Path> file = Optional.empty();
        Optional<URI> url = Optional.empty();
        if (pathText.isPresent() && urlText.isPresent()) {
            problems.add(p + ": give either path or url, not both");
        } else if (pathText.isEmpty() && urlText.isEmpty()) {
            problems.add(p + ": give path (a CSV file), url (http/https, e.g. a Google Sheets export "
                    + "https://docs.google.com/spreadsheets/d/ID/export?format=csv) or sheet: {id: ID, gid: 0}");
        } else if (pathText.isPresent()) {
            file = resolveFile(config, pathText.get(), problems);
        } else {
            url = parseUrl(config, urlText.get(), problems);
        }

        List<String> key = config.strings("key");
        for (String k : key) {
            if (k.isBlank()) problems.add(config.key("key") + ": a key column name is blank; list the columns that identify a row, e.g. key: [id]");
        }
        Optional<String> cursor = config.string("cursor").filter(s -> !s.isBlank());

        char delimiter = parseDelimiter(config, problems);
        char quote = singleChar(config, "quote", '"', problems, "give one character, e.g. quote: \"'\"");
        if (delimiter == quote) problems.add(config.key("quote") + ": must differ from the delimiter");
        boolean header = parseBoolean(config, "header", true, problems);

        Charset encoding = StandardCharsets.UTF_8;
        Optional<String> enc = config.string("encoding").filter(s -> !s.isBlank());
        if (enc.isPresent()) {
            try {
                encoding = Charset.forName(enc.get().strip());
            } catch (IllegalArgumentException e) {
                problems.add(config.key("encoding") + ": '" + enc.get() + "' is not a known character set; "
                        + "use e.g. UTF-8, ISO-8859-1, windows-1252 or UTF-16");
            }
        }

        Set<String> nullValues = new LinkedHashSet<>(config.values().containsKey("nullValues")
                ? nullValueList(config) : DEFAULT_NULL_VALUES);

        Map<String, Optional<CsvTypes.Declared>> declared = new LinkedHashMap<>();
        Object columns = config.values().get("columns");
        if (columns != null && !(columns instanceof Map<?, ?>)) {
            problems.add(config.key("columns") + ": give a map of column name to type, e.g. columns: {id: bigint, amount: \"decimal(12,2)\"}");
        }
        config.map("columns").forEach((name, type) -> {
            String column = HeaderNames.normalize(name);
            String typeText = type == null ? "auto" : String.valueOf(type);
            Optional<CsvTypes.Declared> d = CsvTypes.parseDeclared(typeText);
            if (column.isEmpty()) {
                problems.add(config.key("columns") + ": a column name is blank; use the header's name");
            } else if (d == null) {
                problems.add(config.key("columns") + "." + name + ": '" + typeText + "' is not a type; use one of " + CsvTypes.DECLARABLE);
            } else if (declared.put(column, d) != null) {
                problems.add(config.key("columns") + "." + name + ": declared twice (names are compared as " + column + ")");
            }
        });

        int inferRows = positiveInt(config, "inferRows", DEFAULT_INFER_ROWS, problems);
        int timeoutSeconds = positiveInt(config, "timeoutSeconds", (int) DEFAULT_TIMEOUT.toSeconds(), problems);

        Map<String, String> httpHeaders = new LinkedHashMap<>();
        Object headers = config.values().get("headers");
        if (headers != null && !(headers instanceof Map<?, ?>)) {
            problems.add(config.key("headers") + ": give a map of HTTP header to value, e.g. headers: {Authorization: \"Bearer ${TOKEN}\"}");
        }
        config.map("headers").forEach((name, value) -> {
            if (name.isBlank() || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                problems.add(config.key("headers") + ": '" + name + "' is not a valid HTTP header name");
            } else {
                httpHeaders.put(name, value == null ? "" : String.valueOf(value));
            }
        });
        if (!httpHeaders.isEmpty() && pathText.isPresent()) {
            problems.add(config.key("headers") + ": only used with source.url; remove it for a local file");
        }

        String badRows = config.string("badRows").orElse("dead_letter").trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        if (!badRows.equals("dead_letter") && !badRows.equals("fail")) {
            problems.add(config.key("badRows") + ": '" + badRows + "' is not a choice; use dead_letter (the record is kept with its "
                    + "reason, the rest lands) or fail (stop before writing anything)");
        }

        String separator = config.string("decimalSeparator").orElse(".").trim();
        if (!separator.equals(".") && !separator.equals(",")) {
            problems.add(config.key("decimalSeparator") + ": '" + separator + "' is not a choice; use \".\" (1,234.56, the default) or \",\" (1.234,56)");
        }
        if (separator.equals(",") && delimiter == ',') {
            problems.add(config.key("decimalSeparator") + ": ',' needs another delimiter; set source.delimiter, e.g. \";\"");
        }

        return new CsvSettings(file, url, List.copyOf(key), cursor, delimiter, quote, header, encoding,
                Set.copyOf(nullValues), declared, inferRows, Map.copyOf(httpHeaders), Duration.ofSeconds(timeoutSeconds),
                badRows.equals("fail"), separator.equals(","));
    }

    /** A cell as a number is written in Java (1234.56) when it is one in this file's notation; other text as it is. */
    String numberText(String cell) {
        return decimalComma ? CsvTypes.fromDecimalComma(cell) : cell;
    }

    /** Where the data comes from, for messages: the file as given, or the URL with secret-looking query values masked. */
    String describe() {
        return file.map(Path::toString).orElseGet(() -> url.map(CsvSettings::redact).orElse("?"));
    }

    /** Masks query values whose names look like credentials (token, key, sig, …) so messages can show the URL. */
    static String redact(URI uri) {
        String q = uri.getRawQuery();
        String base = uri.getScheme() + "://" + uri.getRawAuthority().replaceAll("^[^@]*@", "") + (uri.getRawPath() == null ? "" : uri.getRawPath());
        if (q == null) return base;
        List<String> parts = new ArrayList<>();
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            boolean secret = name.toLowerCase(Locale.ROOT).matches(".*(token|key|sig|secret|pass|auth|credential|session).*");
            parts.add(secret && eq >= 0 ? name + "=***" : part);
        }
        return base + "?" + String.join("&", parts);
    }

    private static Optional<Path> resolveFile(ConnectorConfig config, String text, List<String> problems) {
        try {
            Path given = Path.of(text.strip());
            Path file = given;
            Optional<String> baseDir = config.string("baseDir").filter(s -> !s.isBlank());
            if (!given.isAbsolute() && baseDir.isPresent()) file = Path.of(baseDir.get()).resolve(given);
            if (!Files.exists(file)) {
                problems.add(config.key("path") + ": file " + text + " does not exist"
                        + (given.isAbsolute() ? "" : " (looked for " + file.toAbsolutePath().normalize() + ")")
                        + "; give a path relative to the sync file's folder or an absolute one");
            } else if (!Files.isRegularFile(file)) {
                problems.add(config.key("path") + ": " + text + " is not a file; give the path of a CSV file");
            } else if (!Files.isReadable(file)) {
                problems.add(config.key("path") + ": file " + text + " cannot be read; check its permissions");
            }
            return Optional.of(file);
        } catch (InvalidPathException e) {
            problems.add(config.key("path") + ": '" + text + "' is not a valid path (" + e.getReason() + ")");
            return Optional.empty();
        }
    }

    private static Optional<URI> parseUrl(ConnectorConfig config, String text, List<String> problems) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problems.add(config.key("url") + ": '" + text + "' is not an http(s) URL; give https://… "
                        + "(for a local file use source.path)");
                return Optional.empty();
            }
            if (uri.getHost() == null) {
                problems.add(config.key("url") + ": '" + redact(uri) + "' has no host; give e.g. https://example.com/data.csv");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            problems.add(config.key("url") + ": not a valid URL (" + e.getReason() + " at index " + e.getIndex()
                    + "); encode spaces as %20");
            return Optional.empty();
        }
    }

    private static char parseDelimiter(ConnectorConfig config, List<String> problems) {
        Optional<String> v = config.string("delimiter");
        if (v.isEmpty() || v.get().isEmpty()) return ',';
        String s = v.get();
        if (s.equals("\t") || s.equals("\\t") || s.equalsIgnoreCase("tab")) return '\t';
        if (s.length() == 1 && s.charAt(0) != '\n' && s.charAt(0) != '\r') return s.charAt(0);
        problems.add(config.key("delimiter") + ": '" + s + "' is not one character; use e.g. delimiter: ';' or delimiter: tab");
        return ',';
    }

    private static char singleChar(ConnectorConfig config, String key, char fallback, List<String> problems, String hint) {
        Optional<String> v = config.string(key);
        if (v.isEmpty() || v.get().isEmpty()) return fallback;
        if (v.get().length() == 1 && v.get().charAt(0) != '\n' && v.get().charAt(0) != '\r') return v.get().charAt(0);
        problems.add(config.key(key) + ": '" + v.get() + "' is not one character; " + hint);
        return fallback;
    }

    private static boolean parseBoolean(ConnectorConfig config, String key, boolean fallback, List<String> problems) {
        Optional<String> v = config.string(key);
        if (v.isEmpty()) return fallback;
        return switch (v.get().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                problems.add(config.key(key) + ": '" + v.get() + "' is not true or false");
                yield fallback;
            }
        };
    }

    private static int positiveInt(ConnectorConfig config, String key, int fallback, List<String> problems) {
        Optional<String> v = config.string(key);
        if (v.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(v.get().strip());
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(config.key(key) + ": '" + v.get() + "' is not a positive whole number");
        return fallback;
    }

    private static List<String> nullValueList(ConnectorConfig config) {
        // YAML null inside the list (nullValues: [~, NULL]) reads as the empty cell
        Object raw = config.values().get("nullValues");
        if (raw instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) out.add(o == null ? "" : String.valueOf(o));
            return out;
        }
        return raw == null ? List.of() : List.of(String.valueOf(raw));
    }
}
