package dev.ferry.core.config;

import dev.ferry.core.Connectors;
import dev.ferry.core.RetrySettings;
import dev.ferry.core.SyncJob;
import dev.ferry.core.transform.TransformConfig;
import dev.ferry.core.transform.TransformSpec;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.WriteMode;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a sync file: YAML → ${ENV} substitution → validation with every problem at once (key path + what
 * to do) → a frozen {@link SyncJob}.
 */
public final class SyncFileLoader {
    public static final String DEFAULT_STATE = "jdbc:h2:file:./.ferry/state";
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Set<String> TOP_KEYS = Set.of("name", "source", "destination", "batch", "retry", "state", "transform", "derive", "dedup",
            "direction", "a", "b", "conflicts", "deletions", "exclude");
    private static final Set<String> BIDI_ONLY = Set.of("a", "b", "conflicts", "deletions", "exclude");
    private static final Set<String> BATCH_KEYS = Set.of("size", "readAhead", "parallel");
    private static final Set<String> RETRY_KEYS = Set.of("initialDelay", "multiplier", "maxAttempts", "jitter", "maxDelay");
    private static final Set<String> SOURCE_COMMON = Set.of("type", "key", "cursor");
    private static final Set<String> DEST_COMMON = Set.of("type", "table", "mode");

    private final Connectors connectors;
    private final Function<String, String> env;
    private final ObjectMapper yaml = YAMLMapper.builder().build();

    public SyncFileLoader(Connectors connectors, Function<String, String> env) {
        this.connectors = connectors;
        this.env = env;
    }

    public SyncFile load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no such sync file; give the path of a YAML sync file (see README.md)");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(text, file.toAbsolutePath().getParent(), file.toAbsolutePath().toString());
    }

    @SuppressWarnings("unchecked")
    public SyncFile parse(String text, Path baseDir, String origin) {
        Object tree;
        try {
            tree = yaml.readValue(text, Object.class);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(origin + ": not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new ConfigException(origin + ": expected a YAML mapping with source: and destination: (see README.md)");
        }
        List<String> problems = new ArrayList<>();
        Map<String, Object> root = (Map<String, Object>) substitute(tree, "", problems);
        return build(root, baseDir, origin, problems);
    }

    /**
     * Validates a sync definition given as a tree (e.g. a REST API's JSON body), taken literally: no ${ENV}
     * substitution, since the values come from someone else than the machine's user.
     */
    public SyncFile fromMap(Map<String, ?> root, Path baseDir, String origin) {
        List<String> problems = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) copy(root);
        return build(copy, baseDir, origin, problems);
    }

    private static Object copy(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) out.add(copy(o));
            return out;
        }
        return node;
    }

    /** Replaces ${VAR} and ${VAR:-default} inside string values; an unset variable without default is a problem. */
    private Object substitute(Object node, String path, List<String> problems) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), substitute(v, join(path, String.valueOf(k)), problems)));
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) out.add(substitute(list.get(i), path + "[" + i + "]", problems));
            return out;
        }
        if (node instanceof String s && s.contains("${")) {
            Matcher m = VAR.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = env.apply(m.group(1));
                if (value == null) value = m.group(2);
                if (value == null) {
                    problems.add(path + ": environment variable " + m.group(1) + " is not set; export it, or write ${"
                            + m.group(1) + ":-default}");
                    value = "";
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            return sb.toString();
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private SyncFile build(Map<String, Object> root, Path baseDir, String origin, List<String> problems) {
        unknownKeys(root, TOP_KEYS, "", problems);
        String name = str(root.get("name")).orElseGet(() -> defaultName(origin));
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            problems.add("name: '" + name + "' may hold only letters, digits, '_', '-' and '.'; rename the sync");
        }
        String direction = str(root.get("direction")).map(d -> d.trim().toLowerCase(Locale.ROOT).replace('-', '_')).orElse("one_way");
        if (direction.equals("bidirectional")) return buildBidirectional(root, name, origin, problems);
        if (!direction.equals("one_way")) {
            problems.add("direction: '" + root.get("direction") + "' is not a direction; use one-way (default) or bidirectional");
        }
        for (String k : BIDI_ONLY) {
            if (root.containsKey(k)) problems.add(k + ": only used with direction: bidirectional; add that, or remove " + k + ":");
        }
        Map<String, Object> src = section(root, "source", problems);
        Map<String, Object> dst = section(root, "destination", problems);

        // Relative file paths are relative to the sync file, not to wherever ferry was started.
        Object p = src.get("path");
        if (p instanceof String ps && !ps.isBlank() && !Path.of(ps).isAbsolute() && baseDir != null) {
            src.put("path", baseDir.resolve(ps).normalize().toString());
        }

        // dedup: is written by the destination (in its transaction): it travels in the destination's block,
        // where the destination factory validates it (problems keep the "dedup." path)
        if (root.get("dedup") != null) dst.put("dedup", root.get("dedup"));

        String srcType = str(src.get("type")).orElse("");
        String dstType = str(dst.get("type")).orElse("");
        ConnectorConfig srcCfg = new ConnectorConfig("source", src);
        ConnectorConfig dstCfg = new ConnectorConfig("destination", dst);
        if (srcType.isBlank()) {
            if (root.containsKey("source")) problems.add("source.type: required; one of " + connectors.sourceTypes());
        } else if (connectors.source(srcType).isEmpty()) {
            problems.add("source.type: unknown type '" + srcType + "'" + suggest(srcType, connectors.sourceTypes())
                    + "; use one of " + connectors.sourceTypes());
        } else {
            connectors.requireSource(srcType).validate(srcCfg, problems);
        }
        if (dstType.isBlank()) {
            if (root.containsKey("destination")) problems.add("destination.type: required; one of " + connectors.destinationTypes());
        } else if (connectors.destination(dstType).isEmpty()) {
            problems.add("destination.type: unknown type '" + dstType + "'" + suggest(dstType, connectors.destinationTypes())
                    + "; use one of " + connectors.destinationTypes());
        } else {
            connectors.requireDestination(dstType).validate(dstCfg, problems);
        }

        if (root.get("dedup") != null && !dstType.isBlank() && !Set.of("postgres", "mariadb", "mysql", "h2").contains(dstType)) {
            problems.add("dedup: destination type '" + dstType + "' cannot deduplicate; use a postgres, mariadb or h2 destination, or remove dedup:");
        }
        String table = str(dst.get("table")).orElse("");
        if (table.isBlank() && root.containsKey("destination") && problems.stream().noneMatch(x -> x.startsWith("destination.table"))) {
            problems.add("destination.table: required; name the table to write, e.g. public.orders (created if missing)");
        }
        WriteMode mode = WriteMode.UPSERT;
        Optional<String> modeText = str(dst.get("mode"));
        if (modeText.isPresent()) {
            try {
                mode = WriteMode.valueOf(modeText.get().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("destination.mode: '" + modeText.get() + "' is not a mode; use upsert, append or replace");
            }
        }
        List<String> key = srcCfg.strings("key");
        if (key.isEmpty() && mode != WriteMode.APPEND && root.containsKey("source")) {
            problems.add("source.key: required for mode " + mode.name().toLowerCase(Locale.ROOT)
                    + "; name the column(s) that identify a row, e.g. key: [id]");
        }
        Optional<String> cursor = str(src.get("cursor")).filter(s -> !s.isBlank());

        Map<String, Object> batch = optionalSection(root, "batch", problems);
        unknownKeys(batch, BATCH_KEYS, "batch", problems);
        int batchSize = intValue(batch.get("size"), 10_000, "batch.size", 1, 1_000_000, problems);
        int readAhead = intValue(batch.get("readAhead"), 2, "batch.readAhead", 1, 64, problems);
        int lanes = intValue(batch.get("parallel"), SyncJob.DEFAULT_LANES, "batch.parallel", 1, 16, problems);

        Map<String, Object> retry = optionalSection(root, "retry", problems);
        unknownKeys(retry, RETRY_KEYS, "retry", problems);
        RetrySettings d = RetrySettings.DEFAULT;
        Duration initial = duration(retry.get("initialDelay"), d.initialDelay(), "retry.initialDelay", problems);
        Duration maxDelay = duration(retry.get("maxDelay"), d.maxDelay(), "retry.maxDelay", problems);
        double multiplier = doubleValue(retry.get("multiplier"), d.multiplier(), "retry.multiplier", 1, 100, problems);
        int attempts = intValue(retry.get("maxAttempts"), d.maxAttempts(), "retry.maxAttempts", 1, 100, problems);
        double jitter = doubleValue(retry.get("jitter"), d.jitter(), "retry.jitter", 0, 0.99, problems);

        String state = str(root.get("state")).filter(s -> !s.isBlank()).orElse(DEFAULT_STATE);
        if (!state.startsWith("jdbc:")) {
            problems.add("state: '" + state + "' is not a JDBC URL; use e.g. jdbc:h2:file:./.ferry/state or jdbc:postgresql://host/db");
        }
        TransformSpec transform = TransformConfig.parse(root.get("transform"), root.get("derive"), problems);
        if (!transform.derive().isEmpty() && mode != WriteMode.UPSERT) {
            problems.add("derive: derived tables need destination.mode: upsert (they are updated in place and removed "
                    + "when their condition stops holding)");
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        SyncJob job = new SyncJob(name, srcType, srcCfg, dstType, dstCfg, table, key, cursor, mode, batchSize, readAhead,
                new RetrySettings(initial, multiplier, attempts, jitter, maxDelay), false, Optional.ofNullable(origin), transform, lanes);
        return new SyncFile(job, state);
    }

    /** direction: bidirectional: sides a: and b: instead of source: and destination:. */
    private SyncFile buildBidirectional(Map<String, Object> root, String name, String origin, List<String> problems) {
        Map<String, Object> batch = optionalSection(root, "batch", problems);
        unknownKeys(batch, BATCH_KEYS, "batch", problems);
        int batchSize = intValue(batch.get("size"), 10_000, "batch.size", 1, 1_000_000, problems);
        int readAhead = intValue(batch.get("readAhead"), 2, "batch.readAhead", 1, 64, problems);
        Map<String, Object> retry = optionalSection(root, "retry", problems);
        unknownKeys(retry, RETRY_KEYS, "retry", problems);
        RetrySettings d = RetrySettings.DEFAULT;
        RetrySettings retrySettings = new RetrySettings(duration(retry.get("initialDelay"), d.initialDelay(), "retry.initialDelay", problems),
                doubleValue(retry.get("multiplier"), d.multiplier(), "retry.multiplier", 1, 100, problems),
                intValue(retry.get("maxAttempts"), d.maxAttempts(), "retry.maxAttempts", 1, 100, problems),
                doubleValue(retry.get("jitter"), d.jitter(), "retry.jitter", 0, 0.99, problems),
                duration(retry.get("maxDelay"), d.maxDelay(), "retry.maxDelay", problems));
        String state = str(root.get("state")).filter(s -> !s.isBlank()).orElse(DEFAULT_STATE);
        if (!state.startsWith("jdbc:")) {
            problems.add("state: '" + state + "' is not a JDBC URL; use e.g. jdbc:h2:file:./.ferry/state or jdbc:postgresql://host/db");
        }
        Optional<dev.ferry.core.bidi.BidiJob> bidi = dev.ferry.core.bidi.BidiConfig.parse(root, connectors, name, batchSize, readAhead,
                retrySettings, origin, problems);
        if (!problems.isEmpty() || bidi.isEmpty()) throw new ConfigException(problems.isEmpty() ? List.of("a:, b:: invalid") : problems);
        dev.ferry.core.bidi.BidiJob j = bidi.get();
        // the one-way view (a → b) only carries the name, batch, retry and origin to callers that do not look at bidi()
        SyncJob view = new SyncJob(name, j.a().type(), j.a().source(), j.b().type(), j.b().destination(), j.b().table(), j.a().key(),
                Optional.empty(), WriteMode.UPSERT, batchSize, readAhead, retrySettings, false, Optional.ofNullable(origin));
        return new SyncFile(view, state, bidi);
    }

    private static String defaultName(String origin) {
        String f = Path.of(origin).getFileName().toString();
        int dot = f.lastIndexOf('.');
        return (dot > 0 ? f.substring(0, dot) : f).replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> root, String key, List<String> problems) {
        Object v = root.get(key);
        if (v == null) {
            problems.add(key + ": required; add a " + key + ": block with at least type:");
            return new LinkedHashMap<>();
        }
        if (!(v instanceof Map<?, ?>)) {
            problems.add(key + ": must be a mapping (type:, url:, …), not '" + v + "'");
            return new LinkedHashMap<>();
        }
        return new LinkedHashMap<>((Map<String, Object>) v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> optionalSection(Map<String, Object> root, String key, List<String> problems) {
        Object v = root.get(key);
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?>)) {
            problems.add(key + ": must be a mapping, not '" + v + "'");
            return Map.of();
        }
        return (Map<String, Object>) v;
    }

    private static void unknownKeys(Map<String, Object> map, Set<String> known, String path, List<String> problems) {
        for (String k : map.keySet()) {
            if (!known.contains(k)) {
                problems.add(join(path, k) + ": unknown key" + suggest(k, known) + "; known keys here are " + new java.util.TreeSet<>(known));
            }
        }
    }

    static String suggest(String word, Set<String> known) {
        return dev.ferry.spi.Suggestions.didYouMean(word, known);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Optional<String> str(Object v) {
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
    }

    private static int intValue(Object v, int dflt, String path, int min, int max, List<String> problems) {
        if (v == null) return dflt;
        try {
            int i = v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).trim().replace("_", ""));
            if (i < min || i > max) {
                problems.add(path + ": " + i + " is out of range; use a number from " + min + " to " + max);
                return dflt;
            }
            return i;
        } catch (NumberFormatException e) {
            problems.add(path + ": '" + v + "' is not a whole number; use e.g. " + dflt);
            return dflt;
        }
    }

    private static double doubleValue(Object v, double dflt, String path, double min, double max, List<String> problems) {
        if (v == null) return dflt;
        try {
            double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
            if (d < min || d > max) {
                problems.add(path + ": " + d + " is out of range; use a number from " + min + " to " + max);
                return dflt;
            }
            return d;
        } catch (NumberFormatException e) {
            problems.add(path + ": '" + v + "' is not a number; use e.g. " + dflt);
            return dflt;
        }
    }

    /** "500ms", "2s", "1m", or a bare number of milliseconds. */
    static Duration duration(Object v, Duration dflt, String path, List<String> problems) {
        if (v == null) return dflt;
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?").matcher(s);
        if (!m.matches()) {
            problems.add(path + ": '" + v + "' is not a duration; write e.g. 500ms, 2s or 1m");
            return dflt;
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        long ms = (long) switch (unit) {
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n;
        };
        return Duration.ofMillis(ms);
    }
}
