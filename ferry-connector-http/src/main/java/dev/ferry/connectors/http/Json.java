package dev.ferry.connectors.http;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.RecordException;
import dev.ferry.spi.Schema;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Records (JSON objects) → rows; schema inference from a page of records. */
final class Json {
    private Json() {
    }

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** "customer.id" → "customer_id". */
    static String columnName(String path) {
        return path.replace('.', '_');
    }

    /** The value at a dotted path ("customer.id"); a missing node when absent. */
    static JsonNode at(JsonNode record, String path) {
        JsonNode direct = record.path(path);
        if (!direct.isMissingNode() || path.indexOf('.') < 0) return direct;
        JsonNode n = record;
        for (String part : path.split("\\.")) n = n.path(part);
        return n;
    }

    /**
     * The schema: declared columns first (in their order), then every other top-level field of the sample records in
     * the order first seen, with an inferred type; key columns not seen are added as strings.
     */
    static Schema infer(List<JsonNode> sample, List<Column> declared, List<String> key, List<String> extra) {
        Map<String, Column> cols = new LinkedHashMap<>();
        for (Column c : declared) cols.put(c.name().toLowerCase(java.util.Locale.ROOT), c);
        Map<String, ColumnType> inferred = new LinkedHashMap<>();
        for (JsonNode r : sample) {
            if (!r.isObject()) continue;
            for (Map.Entry<String, JsonNode> e : r.properties()) {
                String name = e.getKey();
                if (cols.containsKey(name.toLowerCase(java.util.Locale.ROOT))) continue;
                ColumnType t = typeOf(e.getValue());
                if (t == null) inferred.putIfAbsent(name, null); // null says nothing about the type
                else inferred.merge(name, t, Json::widen);     // (merge treats a null entry as absent)
            }
        }
        // a field seen only as null stays a string column
        inferred.forEach((name, t) -> cols.put(name.toLowerCase(java.util.Locale.ROOT), Column.of(name, t == null ? ColumnType.STRING : t)));
        for (String k : concat(key, extra)) cols.putIfAbsent(k.toLowerCase(java.util.Locale.ROOT), Column.of(k, ColumnType.STRING));
        return new Schema(new ArrayList<>(cols.values()));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static ColumnType typeOf(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return null;
        if (v.isBoolean()) return ColumnType.BOOLEAN;
        if (v.isIntegralNumber()) return v.canConvertToLong() ? ColumnType.BIGINT : ColumnType.DECIMAL;
        if (v.isBigDecimal()) return ColumnType.DECIMAL;
        if (v.isNumber()) return ColumnType.DOUBLE;
        if (v.isString()) {
            String s = v.stringValue();
            if (s.length() >= 20 && s.charAt(10) == 'T') {
                try {
                    OffsetDateTime.parse(s);
                    return ColumnType.TIMESTAMPTZ;
                } catch (DateTimeParseException ignored) {
                    // a string
                }
            }
            return ColumnType.STRING;
        }
        return ColumnType.JSON;
    }

    private static ColumnType widen(ColumnType a, ColumnType b) {
        if (a == b) return a;
        if (a == ColumnType.JSON || b == ColumnType.JSON) return ColumnType.JSON;
        boolean na = a == ColumnType.BIGINT || a == ColumnType.DECIMAL || a == ColumnType.DOUBLE;
        boolean nb = b == ColumnType.BIGINT || b == ColumnType.DECIMAL || b == ColumnType.DOUBLE;
        if (na && nb) return a == ColumnType.DOUBLE || b == ColumnType.DOUBLE ? ColumnType.DOUBLE : ColumnType.DECIMAL;
        return ColumnType.STRING;
    }

    /** One record as a row of {@code schema}; {@code paths} maps declared column names to their dotted field paths. */
    static Object[] row(JsonNode record, Schema schema, Map<String, String> paths, String where) {
        Object[] row = new Object[schema.size()];
        for (int i = 0; i < row.length; i++) {
            Column c = schema.column(i);
            JsonNode v = at(record, paths.getOrDefault(c.name(), c.name()));
            try {
                row[i] = value(c, v);
            } catch (RuntimeException e) {
                String shown = v.toString();
                if (shown.length() > 60) shown = shown.substring(0, 60) + "…";
                throw new RecordException(where + ": field " + c.name() + " = " + shown + " is not a "
                        + c.type().name().toLowerCase(java.util.Locale.ROOT) + "; declare it in source.columns (e.g. "
                        + c.name() + ": string)", e);
            }
        }
        return row;
    }

    /**
     * The same, refusing a record without a value for a key field: it cannot be matched in the destination (a
     * database's primary key refuses it with a constraint error that does not say why, a document store would
     * file it under a null id).
     */
    static Object[] keyedRow(JsonNode record, Schema schema, Map<String, String> paths, java.util.List<String> key, String where) {
        Object[] row = row(record, schema, paths, where);
        for (String k : key) {
            int i = schema.indexOf(k);
            if (i >= 0 && row[i] == null) {
                String field = paths.getOrDefault(k, k);
                throw new RecordException(where + ": no value for key field " + field + " (missing or null); every record needs "
                        + "its source.key fields", null);
            }
        }
        return row;
    }

    /**
     * A record {@link #row} refused, as a dead letter: key and payload are the record's fields as text (strings as
     * they are, other values as JSON), so a replay after a fix (e.g. a wider declared type) can parse them.
     */
    static dev.ferry.spi.RejectedRecord rejected(JsonNode record, Schema schema, Map<String, String> paths,
                                                 java.util.List<String> key, String where, RecordException e) {
        Map<String, String> payload = new java.util.LinkedHashMap<>();
        for (Column c : schema.columns()) {
            JsonNode v = at(record, paths.getOrDefault(c.name(), c.name()));
            payload.put(c.name(), v == null || v.isNull() || v.isMissingNode() ? null : v.isString() ? v.stringValue() : v.toString());
        }
        StringBuilder k = new StringBuilder();
        for (String name : key) {
            String part = payload.get(name);
            // dead letters are kept one per key: records without a key are told apart by where they were read
            if (part == null) return new dev.ferry.spi.RejectedRecord("(no key) " + where, e.getMessage(), payload);
            if (!k.isEmpty()) k.append('|');
            k.append(part);
        }
        return new dev.ferry.spi.RejectedRecord(k.toString(), e.getMessage(), payload);
    }

    static Object value(Column c, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return null;
        String text = v.isString() ? v.stringValue() : null;
        return switch (c.type()) {
            case STRING, TEXT -> text != null ? text : v.toString();
            case JSON -> v.toString();
            case BOOLEAN -> {
                if (v.isBoolean()) yield v.booleanValue();
                if ("true".equalsIgnoreCase(text)) yield true;
                if ("false".equalsIgnoreCase(text)) yield false;
                throw new IllegalArgumentException("not a boolean");
            }
            case SMALLINT -> (short) Math.toIntExact(integral(v, text));
            case INTEGER -> Math.toIntExact(integral(v, text));
            case BIGINT -> integral(v, text);
            case DECIMAL -> v.isNumber() ? v.decimalValue() : new BigDecimal(req(text));
            case DOUBLE -> v.isNumber() ? v.doubleValue() : Double.parseDouble(req(text));
            case REAL -> v.isNumber() ? (float) v.doubleValue() : Float.parseFloat(req(text));
            case DATE -> LocalDate.parse(req(text));
            case TIME -> LocalTime.parse(req(text));
            case TIMESTAMP -> LocalDateTime.parse(req(text).replace(' ', 'T'));
            case TIMESTAMPTZ -> OffsetDateTime.parse(req(text).replace(' ', 'T'));
            case UUID -> UUID.fromString(req(text));
            case BYTES -> java.util.Base64.getDecoder().decode(req(text));
        };
    }

    private static long integral(JsonNode v, String text) {
        if (v.isNumber()) return v.decimalValue().longValueExact();
        return Long.parseLong(req(text).strip());
    }

    private static String req(String text) {
        if (text == null) throw new IllegalArgumentException("not text");
        return text;
    }
}
