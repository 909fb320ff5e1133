package dev.ferry.testkit;

import dev.ferry.spi.RecordException;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.SyncException;

import java.sql.SQLException;
import java.time.Duration;

/** Kinds of failure the fakes can inject. */
public enum Failure {
    /** a {@link RetriableSyncException} (e.g. a rate limit), no Retry-After */
    RETRIABLE,
    /** a {@link SyncException} wrapping an SQLException with SQLSTATE 08006 (connection failure) */
    CONNECTION_LOST,
    /** a plain {@link SyncException}: fatal, fails the run */
    FATAL,
    /** a {@link RecordException} wrapping SQLSTATE 23514 (check constraint) */
    RECORD;

    public RuntimeException create(String where) {
        return switch (this) {
            case RETRIABLE -> new RetriableSyncException("injected transient failure in " + where, null);
            case CONNECTION_LOST -> new SyncException("injected connection loss in " + where,
                    new SQLException("An I/O error occurred while sending to the backend", "08006"));
            case FATAL -> new SyncException("injected fatal failure in " + where);
            case RECORD -> new RecordException("injected record failure in " + where,
                    new SQLException("new row violates check constraint", "23514"));
        };
    }

    /** A transient failure that asks the caller to wait {@code retryAfter} (like HTTP 429 + Retry-After). */
    public static RuntimeException retryAfter(String where, Duration retryAfter) {
        return new RetriableSyncException("injected rate limit in " + where, null, retryAfter);
    }
}
