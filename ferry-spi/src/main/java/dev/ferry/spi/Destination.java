package dev.ferry.spi;

/** A connected destination. Opened by a {@link DestinationFactory}. */
public interface Destination extends AutoCloseable {

    /** Prepare the table for {@code schema} (create it when missing) and return a writer for the run. */
    DestinationWriter open(Schema schema, WriteSpec spec);

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
