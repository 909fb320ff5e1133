package dev.ferry.core.transform;

import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;

import java.math.BigDecimal;
import java.time.temporal.Temporal;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The source record as JSONata sees it (a JSON object): built at most once per record, and only when some
 * expression needs it. Dates and times become ISO text, JSON columns are parsed so paths reach inside them, decimals
 * become doubles (a plain rename keeps them exact), NULL columns are left out.
 */
final class RecordInput {
    private final String[] names;
    private final ColumnType[] types;
    private Object[] builtFor;
    private Map<String, Object> built;

    private final int[] columns;

    RecordInput(Schema schema) {
        this(schema, null);
    }

    /** @param only the columns expressions read (null: all); the others are left out of the object */
    RecordInput(Schema schema, java.util.Set<String> only) {
        names = schema.names().toArray(String[]::new);
        types = new ColumnType[schema.size()];
        for (int i = 0; i < types.length; i++) types[i] = schema.column(i).type();
        columns = java.util.stream.IntStream.range(0, names.length)
                .filter(i -> only == null || only.contains(names[i])).toArray();
    }

    /** The columns an expression may read: its top-level fields, or all when it reads the whole record ($, *, **). */
    static java.util.Set<String> reads(String expression) {
        if (expression.matches("(?s).*(\\$(?![A-Za-z_])|\\*\\*|\\.\\s*\\*|^\\s*\\*|function|λ|%).*")) return null;
        return FieldRefs.roots(expression);
    }

    Map<String, Object> get(Object[] row) {
        if (builtFor == row) return built;
        Map<String, Object> m = new HashMap<>(columns.length * 2);
        // a NULL column is absent, as JSONata expects of a missing value: $exists(x) is false, x = '' is false
        for (int i : columns) if (row[i] != null) m.put(names[i], jsonValue(row[i], types[i]));
        builtFor = row;
        built = m;
        return m;
    }

    private static Object jsonValue(Object v, ColumnType type) {
        if (v == null) return null;
        if (type == ColumnType.JSON && v instanceof String s) {
            try {
                return Conversion.JSON.readValue(s, Object.class);
            } catch (RuntimeException e) {
                return s;
            }
        }
        return switch (v) {
            case String s -> s;
            case Boolean b -> b;
            case BigDecimal d -> d.doubleValue();
            case Number n -> n;
            case Temporal t -> t.toString();
            case UUID u -> u.toString();
            case byte[] b -> Base64.getEncoder().encodeToString(b);
            default -> v.toString();
        };
    }
}
