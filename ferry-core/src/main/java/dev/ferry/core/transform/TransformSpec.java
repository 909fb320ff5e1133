package dev.ferry.core.transform;

import java.util.List;
import java.util.Map;

/**
 * The record-quality part of a sync file, as data: field mapping, validation, derived tables.
 *
 * @param mapping output fields in order; empty = the source record passes through unchanged
 * @param lookups small inline tables, each bound to a JSONata variable of its name ({@code $lookup($countries, code)})
 * @param key     destination key (output fields); empty = the output fields that are plain renames of the source key
 */
public record TransformSpec(List<FieldMapping> mapping, Map<String, Object> lookups, List<String> key,
                            List<FieldRule> rules, List<DeriveSpec> derive) {
    public static final TransformSpec NONE = new TransformSpec(List.of(), Map.of(), List.of(), List.of(), List.of());

    public TransformSpec {
        mapping = List.copyOf(mapping);
        lookups = Map.copyOf(lookups);
        key = List.copyOf(key);
        rules = List.copyOf(rules);
        derive = List.copyOf(derive);
    }

    public boolean isEmpty() {
        return mapping.isEmpty() && rules.isEmpty() && derive.isEmpty();
    }
}
