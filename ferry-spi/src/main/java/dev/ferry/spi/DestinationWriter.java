package dev.ferry.spi;

/**
 * Writes a run's batches. Each {@link #write} is one destination transaction: when it returns, the rows are
 * durable; when it throws, none of them are. The engine commits its checkpoint only after a write returned.
 * After a {@link RetriableSyncException} the engine calls {@link #write} again with the same batch: the writer
 * must reconnect if its connection broke. Writes must be idempotent per key for UPSERT and REPLACE.
 */
public interface DestinationWriter extends AutoCloseable {

    WriteResult write(Batch batch);

    /** Rows in the destination table, when the destination can count them (checks that remembered digests still hold). */
    default java.util.OptionalLong countRows() {
        return java.util.OptionalLong.empty();
    }

    /**
     * Prepares tables written with every batch in the same transaction as the primary table (derived records):
     * creates them when missing. A writer that cannot write several tables in one transaction refuses.
     */
    default void openLinked(java.util.List<LinkedTable> tables) {
        if (!tables.isEmpty()) {
            throw new ConfigException("derive: this destination cannot write derived tables in the transaction of the primary "
                    + "table; use a postgres, mariadb, mysql or h2 destination");
        }
    }

    /**
     * Writes a batch and its rows of linked tables ({@link #openLinked}) in ONE transaction. Same contract as
     * {@link #write(Batch)}: durable when it returns, nothing when it throws; idempotent when redone.
     *
     * @return the primary table's counts and, per linked table in the order given, its own
     */
    default LinkedWriteResult writeLinked(Batch batch, java.util.List<LinkedRows> linked) {
        if (!linked.isEmpty()) throw new SyncException("this destination cannot write derived tables");
        return new LinkedWriteResult(write(batch), java.util.List.of());
    }

    /**
     * What {@link #write} would do with this batch, without writing anything the destination keeps (a preview, or
     * dry run). Writers from {@link Destination#openPreview} must support it; others may refuse.
     */
    default WritePreview preview(Batch batch) {
        throw new SyncException("this destination cannot preview a run (no dry run); run it for real instead");
    }

    /**
     * Deletes the records with these keys (rows in the writer's schema; only their key columns are read), in one
     * transaction, and returns how many were there. Deleting a missing key is no error (a redo deletes nothing).
     * Bidirectional syncs propagate deletions with it; writers that cannot delete refuse.
     */
    default long delete(Batch keys) {
        throw new SyncException("this destination cannot delete records; use deletions: report or restore");
    }

    /** Called once after the last batch of a completed pass (REPLACE swaps its new table in here). */
    default void complete() {
    }

    @Override
    void close();
}
