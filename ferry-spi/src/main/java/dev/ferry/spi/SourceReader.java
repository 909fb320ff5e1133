package dev.ferry.spi;

import java.util.Optional;

/**
 * Reads a run's batches in key order. Called from one thread. After a {@link RetriableSyncException}
 * the engine may call {@link #next()} again: the reader must then reconnect if needed and continue
 * after the last batch it returned.
 */
public interface SourceReader extends AutoCloseable {

    /** The next batch, or empty at the end. */
    Optional<Batch> next();

    @Override
    void close();
}
