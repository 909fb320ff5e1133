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
 */
public record WriteSpec(String table, List<String> key, WriteMode mode, String syncName, boolean fresh) {
    public WriteSpec {
        key = List.copyOf(key);
    }
}
