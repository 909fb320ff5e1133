package dev.ferry.spi;

/** The root of Ferry's exceptions (unchecked). Messages are for users: they name the object and the fix, never a secret. */
public class SyncException extends RuntimeException {
    public SyncException(String message) {
        super(message);
    }

    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
