package dev.ferry.core.transform;

import java.util.List;
import java.util.Optional;

/**
 * A derived table: from each source record whose {@code when} holds, one row in {@code table}, linked to the
 * primary record by {@code link} (columns holding the primary key's values, in key order; they are the derived
 * table's key). When the condition stops holding, the derived row is removed.
 */
public record DeriveSpec(String table, Optional<String> when, List<String> link, List<FieldMapping> mapping) {
    public DeriveSpec {
        link = List.copyOf(link);
        mapping = List.copyOf(mapping);
    }
}
