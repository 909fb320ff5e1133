package dev.ferry.spi;

import java.util.List;

/**
 * What the engine asks of a destination for one run.
 *
 * @param table    destination table, optionally schema-qualified ("schema.table")
 * @param key      key columns (upsert matches on them; they become the primary key of a created table)
 * @param mode     upsert, append or replace
 * @param syncName the sync's name (destinations that keep a checkpoint table key it by this)
 * @param fresh    true when this run starts a new pass over the source (not a resume); REPLACE starts its new table then
 * @param ascendingUniqueKeys true when the source promises {@link Source#deliversAscendingUniqueKeys()}: each key
 *                 at most once per pass, batches in ascending key order. A destination that was empty when a fresh
 *                 pass opened it may then append rows without looking for conflicts (until a write fails).
 */
public record WriteSpec(String table, List<String> key, WriteMode mode, String syncName, boolean fresh,
                        boolean ascendingUniqueKeys) {
    public WriteSpec {
        key = List.copyOf(key);
    }

    /** A spec without the ascending-unique-keys promise. */
    public WriteSpec(String table, List<String> key, WriteMode mode, String syncName, boolean fresh) {
        this(table, key, mode, syncName, fresh, false);
    }
}
