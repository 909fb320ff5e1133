package dev.ferry.spi;

/** A connected destination. Opened by a {@link DestinationFactory}. */
public interface Destination extends AutoCloseable {

    /** Prepare the table for {@code schema} (create it when missing) and return a writer for the run. */
    DestinationWriter open(Schema schema, WriteSpec spec);

    /**
     * True when several writers opened with the same spec may write disjoint key ranges of one pass at the same
     * time, each in its own transactions (UPSERT and APPEND; never asked for REPLACE). False (the default) keeps a
     * pass to one writer — e.g. a writer that matches records against each other across batches.
     */
    default boolean concurrentWriters() {
        return false;
    }

    /**
     * A writer for a preview: only {@link DestinationWriter#preview}, {@link DestinationWriter#countRows} and
     * {@link DestinationWriter#close} are called, and nothing the destination keeps may change (no table is created:
     * a missing table previews as empty).
     */
    default DestinationWriter openPreview(Schema schema, WriteSpec spec) {
        throw new SyncException("this destination cannot preview a run (no dry run); run it for real instead");
    }

    @Override
    void close();
}
