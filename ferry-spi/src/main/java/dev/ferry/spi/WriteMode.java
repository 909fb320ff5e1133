package dev.ferry.spi;

/** How rows land in the destination. */
public enum WriteMode {
    /** insert new keys, update changed rows, leave unchanged rows untouched */
    UPSERT,
    /** insert every row (no key matching) */
    APPEND,
    /** load a new copy of the table and swap it in atomically at the end */
    REPLACE
}
