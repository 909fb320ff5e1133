package dev.ferry.spi;

/** A connected destination. Opened by a {@link DestinationFactory}. */
public interface Destination extends AutoCloseable {

    /** Prepare the table for {@code schema} (create it when missing) and return a writer for the run. */
    DestinationWriter open(Schema schema, WriteSpec spec);

    @Override
    void close();
}
