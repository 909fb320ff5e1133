package dev.ferry.core;

public enum ErrorKind {
    /** may succeed if tried again: retry with backoff */
    TRANSIENT,
    /** some record is bad: bisect the batch, dead-letter the bad records */
    RECORD,
    /** retrying won't help (config, permissions, missing table): fail the run */
    FATAL
}
