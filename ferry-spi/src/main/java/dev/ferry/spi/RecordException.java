package dev.ferry.spi;

/**
 * Bad data: some record in the batch cannot be written (constraint, bad value). The engine bisects the batch
 * to find the records and sends them to dead letters; the rest lands.
 */
public class RecordException extends SyncException {
    public RecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
