package dev.ferry.core.transform;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One output field, compiled once per run. Plain renames read the source value by index and constants are computed
 * once (no JSONata per record); everything else is a JSONata expression parsed once and evaluated per record.
 */
final class CompiledField {
    /** -Dferry.transform.fastPaths=false sends every computed field through JSONata (to measure, or to rule the fast paths out). */
    static final boolean FAST_PATHS = !"false".equals(System.getProperty("ferry.transform.fastPaths"));

    private final String name;
    private final int sourceIndex;     // plain rename: the source column; else -1
    private final boolean constant;
    private final Object constantValue;
    private final Jsonata expression;  // computed by JSONata; else null
    private final FastExpr.Eval fast;  // computed in plain Java (a common JSONata shape); else null
    private final Conversion conversion; // null: the value passes as it is
    private final Column column;
    private String source = "";

    private CompiledField(String name, int sourceIndex, boolean constant, Object constantValue, Jsonata expression,
                          FastExpr.Eval fast, Conversion conversion, Column column) {
        this.fast = fast;
        this.name = name;
        this.sourceIndex = sourceIndex;
        this.constant = constant;
        this.constantValue = constantValue;
        this.expression = expression;
        this.conversion = conversion;
        this.column = column;
    }

    /** Parses an expression; a problem (with position) when it does not parse. */
    static Optional<String> parseProblem(String expression) {
        try {
            Jsonata.jsonata(expression);
            return Optional.empty();
        } catch (JException e) {
            return Optional.of(e.getMessage());
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    static Jsonata parse(String expression, Map<String, Object> lookups) {
        Jsonata j = Jsonata.jsonata(expression);
        j.setValidateInput(false); // inputs are built by us from typed rows: no need to walk them
        lookups.forEach(j::assign);
        return j;
    }

    /**
     * @param path the key path for messages (transform.mapping.x)
     */
    static CompiledField compile(FieldMapping m, Schema source, Map<String, Object> lookups, String path, List<String> problems) {
        Optional<String> plain = FieldRefs.plainField(m.expression());
        Column declared = m.type().map(t -> t.column(m.name())).orElse(null);
        if (plain.isPresent()) {
            int idx = source.indexOf(plain.get());
            if (idx < 0) {
                problems.add(path + ": field '" + plain.get() + "' is not in the source; its columns are " + source.names());
                return null;
            }
            Column src = source.column(idx);
            Column col = declared != null ? declared : new Column(m.name(), src.type(), src.length(), src.precision(), src.scale(), true);
            Conversion conv = declared != null && (declared.type() != src.type() || m.format().isPresent() || declared.type() == ColumnType.DECIMAL)
                    ? new Conversion(col, m.format()) : null;
            return new CompiledField(m.name(), idx, false, null, null, null, conv, col);
        }
        for (String ref : FieldRefs.roots(m.expression())) {
            if (source.indexOf(ref) < 0) {
                problems.add(path + ": expression reads field '" + ref + "', which is not in the source; its columns are " + source.names());
            } else if (!source.names().contains(ref)) {
                problems.add(path + ": field '" + ref + "' is spelled '" + source.column(source.indexOf(ref)).name()
                        + "' in the source (expressions are case-sensitive)");
            }
        }
        Jsonata j;
        try {
            j = parse(m.expression(), lookups);
        } catch (RuntimeException e) {
            problems.add(path + ": expression does not parse: " + e.getMessage());
            return null;
        }
        if (FieldRefs.isLiteral(m.expression())) {
            Object v = j.evaluate(null);
            Column col = declared != null ? declared : Column.of(m.name(), literalType(v));
            Conversion conv = new Conversion(col, m.format());
            try {
                return new CompiledField(m.name(), -1, true, conv.apply(v), null, null, null, col);
            } catch (RuntimeException e) {
                problems.add(path + ": constant " + m.expression() + " cannot be read as " + col.type().name().toLowerCase() + " (" + e.getMessage() + ")");
                return null;
            }
        }
        Column col = declared != null ? declared : Column.of(m.name(), ColumnType.TEXT);
        Optional<FastExpr.Eval> fast = FAST_PATHS ? FastExpr.compile(m.expression(), source, lookups) : Optional.empty();
        CompiledField f = new CompiledField(m.name(), -1, false, null, fast.isPresent() ? null : j, fast.orElse(null), new Conversion(col, m.format()), col);
        f.source = m.expression();
        return f;
    }

    private static ColumnType literalType(Object v) {
        return switch (v) {
            case null -> ColumnType.STRING;
            case Boolean b -> ColumnType.BOOLEAN;
            case Integer i -> ColumnType.BIGINT;
            case Long l -> ColumnType.BIGINT;
            case Number n -> n.doubleValue() == Math.rint(n.doubleValue()) ? ColumnType.BIGINT : ColumnType.DOUBLE;
            default -> ColumnType.STRING;
        };
    }

    String name() {
        return name;
    }

    Column column() {
        return column;
    }

    /** The source columns this field's JSONata expression reads: empty when it needs none, null when it may read any. */
    java.util.Set<String> reads() {
        return expression == null ? java.util.Set.of() : RecordInput.reads(source);
    }

    /** The field's value for one record; throws a {@link FieldFailure} naming the rule broken. */
    Object eval(Object[] row, RecordInput input) {
        if (constant) return constantValue;
        Object v;
        if (sourceIndex >= 0) {
            v = row[sourceIndex];
        } else if (fast != null) {
            v = fast.apply(row);
        } else {
            try {
                v = expression.evaluate(input.get(row));
            } catch (RuntimeException e) {
                throw new FieldFailure(new Violation(name, "mapping", null, String.valueOf(e.getMessage())));
            }
            if (v == Jsonata.NULL_VALUE) v = null;
        }
        if (conversion == null || v == null) return v;
        try {
            return conversion.apply(v);
        } catch (RuntimeException e) {
            throw new FieldFailure(new Violation(name, "type", Violation.shorten(v), "cannot read as "
                    + column.type().name().toLowerCase() + ": " + e.getMessage()));
        }
    }

    /** A field's value could not be produced: carries the violation up to the record. */
    static final class FieldFailure extends RuntimeException {
        final Violation violation;

        FieldFailure(Violation v) {
            super(v.reason(), null, false, false);
            this.violation = v;
        }
    }
}
