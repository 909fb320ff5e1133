package dev.ferry.spi;

import java.util.List;

/**
 * A table written together with the primary table, in the same destination transaction (derived records). It holds
 * at most one row per primary record, keyed by {@code link}: columns that hold the primary record's key values, in
 * the primary key's order. Created from {@code schema} when missing.
 */
public record LinkedTable(String table, Schema schema, List<String> link) {
    public LinkedTable {
        link = List.copyOf(link);
    }
}
