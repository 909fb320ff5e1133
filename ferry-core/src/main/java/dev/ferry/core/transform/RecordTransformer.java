package dev.ferry.core.transform;

import com.dashjoin.jsonata.Jsonata;
import dev.ferry.spi.Column;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.LinkedTable;
import dev.ferry.spi.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link TransformSpec} compiled against the source's schema, once per run: maps a source row to the primary
 * output row (or a {@link Violation}) and to its derived rows. Used from one thread.
 */
public final class RecordTransformer {
    private final boolean identity;
    private final CompiledField[] fields;
    private final RuleCheck[] rules;
    private final Schema output;
    private final List<String> outputKey;
    private final int[] outputKeyIndexes;
    private final List<Derived> derived;
    private final RecordInput input;

    /** One derived table: its condition and fields; its rows start with the primary key's values (the link). */
    private record Derived(LinkedTable table, Jsonata when, String whenText, CompiledField[] fields) {
    }

    /** Every column some JSONata expression may read (null: all), so the per-record object holds only those. */
    private static java.util.Set<String> reads(CompiledField[] fields, List<Derived> derived) {
        java.util.Set<String> all = new java.util.HashSet<>();
        List<CompiledField> every = new ArrayList<>(List.of(fields));
        for (Derived d : derived) {
            every.addAll(List.of(d.fields()));
            if (d.whenText() != null) {
                java.util.Set<String> r = RecordInput.reads(d.whenText());
                if (r == null) return null;
                all.addAll(r);
            }
        }
        for (CompiledField f : every) {
            java.util.Set<String> r = f.reads();
            if (r == null) return null;
            all.addAll(r);
        }
        return all;
    }

    /** A mapped record: the primary row and, per derived table, its row or null (condition false); or why it was skipped. */
    public record Outcome(Object[] row, Object[][] derived, Violation violation) {
        public boolean skipped() {
            return violation != null;
        }
    }

    private RecordTransformer(boolean identity, CompiledField[] fields, RuleCheck[] rules, Schema output,
                              List<String> outputKey, List<Derived> derived, Schema source) {
        this.identity = identity;
        this.fields = fields;
        this.rules = rules;
        this.output = output;
        this.outputKey = List.copyOf(outputKey);
        this.outputKeyIndexes = output.indexesOf(outputKey);
        this.derived = derived;
        this.input = new RecordInput(source, reads(fields, derived));
    }

    /**
     * Compiles {@code spec} for a source; every problem (unknown field, bad expression, key not mapped) at once.
     *
     * @param sourceKey the sync's source.key
     * @throws ConfigException with every problem
     */
    public static RecordTransformer compile(TransformSpec spec, Schema source, List<String> sourceKey) {
        List<String> problems = new ArrayList<>();
        boolean identity = spec.mapping().isEmpty();
        CompiledField[] fields;
        Schema output;
        if (identity) {
            fields = new CompiledField[0];
            output = source;
        } else {
            List<CompiledField> fs = new ArrayList<>();
            for (FieldMapping m : spec.mapping()) {
                CompiledField f = CompiledField.compile(m, source, spec.lookups(), "transform.mapping." + m.name(), problems);
                if (f != null) fs.add(f);
            }
            fields = fs.toArray(CompiledField[]::new);
            List<Column> cols = new ArrayList<>();
            for (CompiledField f : fields) cols.add(f.column());
            output = new Schema(cols);
        }
        List<String> key = outputKey(spec, source, sourceKey, output, identity, problems);
        List<RuleCheck> checks = new ArrayList<>();
        for (String k : key) {
            int i = output.indexOf(k);
            if (i >= 0) checks.add(new RuleCheck(new FieldRule(output.column(i).name(), true, Optional.empty(), Optional.empty(),
                    List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), i));
        }
        for (FieldRule r : spec.rules()) {
            int i = output.indexOf(r.field());
            if (i < 0) {
                problems.add("transform.validate." + r.field() + ": no such field in the " + (identity ? "source" : "mapping")
                        + "; fields are " + output.names());
            } else {
                checks.add(new RuleCheck(r, i));
            }
        }
        List<Derived> derived = new ArrayList<>();
        for (int d = 0; d < spec.derive().size(); d++) {
            DeriveSpec ds = spec.derive().get(d);
            String path = "derive[" + d + "]";
            List<Column> cols = new ArrayList<>();
            List<String> link = ds.link().isEmpty() ? key : ds.link();
            if (link.size() != key.size()) {
                problems.add(path + ".link: " + link.size() + " column(s) for a key of " + key.size() + " (" + key + "); name one per key column");
                continue;
            }
            for (int i = 0; i < link.size(); i++) {
                int ki = output.indexOf(key.get(i));
                if (ki >= 0) cols.add(new Column(link.get(i), output.column(ki).type(), output.column(ki).length(),
                        output.column(ki).precision(), output.column(ki).scale(), false));
            }
            List<CompiledField> fs = new ArrayList<>();
            for (FieldMapping m : ds.mapping()) {
                if (link.stream().anyMatch(l -> l.equalsIgnoreCase(m.name()))) {
                    problems.add(path + ".mapping." + m.name() + ": is the link column, filled with the primary key; map another name");
                    continue;
                }
                CompiledField f = CompiledField.compile(m, source, spec.lookups(), path + ".mapping." + m.name(), problems);
                if (f != null) {
                    fs.add(f);
                    cols.add(f.column());
                }
            }
            Jsonata when = null;
            if (ds.when().isPresent()) {
                for (String ref : FieldRefs.roots(ds.when().get())) {
                    if (source.indexOf(ref) < 0) problems.add(path + ".when: reads field '" + ref + "', which is not in the source; its columns are " + source.names());
                }
                try {
                    when = CompiledField.parse(ds.when().get(), spec.lookups());
                } catch (RuntimeException e) {
                    problems.add(path + ".when: expression does not parse: " + e.getMessage());
                }
            }
            if (cols.size() == link.size() + fs.size()) {
                derived.add(new Derived(new LinkedTable(ds.table(), new Schema(cols), link), when, ds.when().orElse(null), fs.toArray(CompiledField[]::new)));
            }
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return new RecordTransformer(identity, fields, checks.toArray(RuleCheck[]::new), output, key, derived, source);
    }

    private static List<String> outputKey(TransformSpec spec, Schema source, List<String> sourceKey, Schema output,
                                          boolean identity, List<String> problems) {
        if (!spec.key().isEmpty()) {
            for (String k : spec.key()) {
                if (output.indexOf(k) < 0) problems.add("transform.key: '" + k + "' is not an output field; fields are " + output.names());
            }
            return spec.key();
        }
        if (identity) return sourceKey;
        List<String> key = new ArrayList<>();
        for (String k : sourceKey) {
            Optional<FieldMapping> copy = spec.mapping().stream()
                    .filter(m -> FieldRefs.plainField(m.expression()).filter(f -> f.equalsIgnoreCase(k)).isPresent()).findFirst();
            if (copy.isEmpty()) {
                problems.add("transform.key: source key column '" + k + "' is not copied by the mapping; map it (e.g. "
                        + k + ": " + k + ") or name the output key with transform.key: [...]");
            } else {
                key.add(copy.get().name());
            }
        }
        return key;
    }

    public Schema output() {
        return output;
    }

    /** The destination key (output fields). */
    public List<String> outputKey() {
        return outputKey;
    }

    public List<LinkedTable> derivedTables() {
        return derived.stream().map(Derived::table).toList();
    }

    public Outcome apply(Object[] src) {
        Object[] row;
        try {
            if (identity) {
                row = src;
            } else {
                row = new Object[fields.length];
                for (int i = 0; i < fields.length; i++) row[i] = fields[i].eval(src, input);
            }
            for (RuleCheck r : rules) {
                Violation v = r.check(row);
                if (v != null) return new Outcome(null, null, v);
            }
            if (derived.isEmpty()) return new Outcome(row, null, null);
            Object[][] rows = new Object[derived.size()][];
            for (int d = 0; d < rows.length; d++) rows[d] = derive(derived.get(d), src, row, d);
            return new Outcome(row, rows, null);
        } catch (CompiledField.FieldFailure f) {
            return new Outcome(null, null, f.violation);
        }
    }

    private Object[] derive(Derived d, Object[] src, Object[] primary, int index) {
        if (d.when() != null) {
            Object holds;
            try {
                holds = d.when().evaluate(input.get(src));
            } catch (RuntimeException e) {
                throw new CompiledField.FieldFailure(new Violation("derive[" + index + "].when", "mapping", null, String.valueOf(e.getMessage())));
            }
            if (!Jsonata.boolize(holds)) return null;
        }
        Object[] out = new Object[outputKeyIndexes.length + d.fields().length];
        for (int i = 0; i < outputKeyIndexes.length; i++) out[i] = primary[outputKeyIndexes[i]];
        for (int i = 0; i < d.fields().length; i++) out[outputKeyIndexes.length + i] = d.fields()[i].eval(src, input);
        return out;
    }
}
