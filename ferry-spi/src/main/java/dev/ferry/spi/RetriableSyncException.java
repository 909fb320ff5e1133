package dev.ferry.spi;

import java.time.Duration;
import java.util.Optional;

/** A transient failure (lost connection, rate limit, server busy): the same call may succeed later. */
public class RetriableSyncException extends SyncException {
    private final Duration retryAfter;

    public RetriableSyncException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** @param retryAfter how long the other side asked us to wait (HTTP Retry-After), or null */
    public RetriableSyncException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
