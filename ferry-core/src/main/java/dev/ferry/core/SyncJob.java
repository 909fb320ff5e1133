package dev.ferry.core;

import dev.ferry.core.transform.TransformSpec;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.WriteMode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated, frozen sync definition: what the engine runs.
 *
 * @param table     destination table
 * @param readAhead batches read ahead of the writer (memory ≈ batchSize × (readAhead + 2) rows)
 * @param transform mapping, validation and derived tables ({@link TransformSpec#NONE}: records pass unchanged)
 * @param lanes     key ranges read and written side by side when the source can split and the destination takes
 *                  several writers (1: one stream)
 */
public record SyncJob(String name, String sourceType, ConnectorConfig source, String destinationType,
                      ConnectorConfig destination, String table, List<String> key, Optional<String> cursor,
                      WriteMode mode, int batchSize, int readAhead, RetrySettings retry, boolean fullRefresh,
                      Optional<String> origin, TransformSpec transform, int lanes) {
    /** Two streams keep both ends busy on a small server without crowding a big one. */
    public static final int DEFAULT_LANES = 2;

    public SyncJob {
        key = List.copyOf(key);
        origin = origin == null ? Optional.empty() : origin;
        transform = transform == null ? TransformSpec.NONE : transform;
        if (lanes < 1) throw new IllegalArgumentException("lanes must be at least 1, not " + lanes);
    }

    /** With the default lanes. */
    public SyncJob(String name, String sourceType, ConnectorConfig source, String destinationType,
                   ConnectorConfig destination, String table, List<String> key, Optional<String> cursor,
                   WriteMode mode, int batchSize, int readAhead, RetrySettings retry, boolean fullRefresh,
                   Optional<String> origin, TransformSpec transform) {
        this(name, sourceType, source, destinationType, destination, table, key, cursor, mode, batchSize, readAhead,
                retry, fullRefresh, origin, transform, DEFAULT_LANES);
    }

    /** Without a transform. */
    public SyncJob(String name, String sourceType, ConnectorConfig source, String destinationType,
                   ConnectorConfig destination, String table, List<String> key, Optional<String> cursor,
                   WriteMode mode, int batchSize, int readAhead, RetrySettings retry, boolean fullRefresh,
                   Optional<String> origin) {
        this(name, sourceType, source, destinationType, destination, table, key, cursor, mode, batchSize, readAhead,
                retry, fullRefresh, origin, TransformSpec.NONE);
    }

    /** Without an origin (the sync file or API object the job came from). */
    public SyncJob(String name, String sourceType, ConnectorConfig source, String destinationType,
                   ConnectorConfig destination, String table, List<String> key, Optional<String> cursor,
                   WriteMode mode, int batchSize, int readAhead, RetrySettings retry, boolean fullRefresh) {
        this(name, sourceType, source, destinationType, destination, table, key, cursor, mode, batchSize, readAhead,
                retry, fullRefresh, Optional.empty());
    }

    public SyncJob withFullRefresh(boolean value) {
        return new SyncJob(name, sourceType, source, destinationType, destination, table, key, cursor, mode,
                batchSize, readAhead, retry, value, origin, transform, lanes);
    }

    public SyncJob withTransform(TransformSpec value) {
        return new SyncJob(name, sourceType, source, destinationType, destination, table, key, cursor, mode,
                batchSize, readAhead, retry, fullRefresh, origin, value, lanes);
    }

    public SyncJob withLanes(int value) {
        return new SyncJob(name, sourceType, source, destinationType, destination, table, key, cursor, mode,
                batchSize, readAhead, retry, fullRefresh, origin, transform, value);
    }

    /** The leased resource: destination type, server/database (no credentials) and table. */
    public String destinationResource() {
        String url = destination.string("url").orElse("");
        int q = url.indexOf('?');
        if (q >= 0) url = url.substring(0, q);
        int semi = url.indexOf(';');
        if (semi >= 0) url = url.substring(0, semi);
        return destinationType + ":" + url + "#" + table.toLowerCase(java.util.Locale.ROOT);
    }

    public Map<String, Object> options() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        o.put("fullRefresh", fullRefresh);
        o.put("batchSize", batchSize);
        if (lanes != DEFAULT_LANES) o.put("lanes", lanes);
        o.put("incremental", cursor.isPresent());
        o.put("source", sourceType);
        o.put("destination", destinationType);
        o.put("table", table);
        origin.ifPresent(f -> o.put("origin", f));
        if (!transform.mapping().isEmpty() || !transform.rules().isEmpty()) o.put("transform", true);
        if (!transform.derive().isEmpty()) o.put("derive", transform.derive().stream().map(d -> d.table()).toList());
        return o;
    }
}
