package dev.ferry.core;

public enum Phase {
    QUEUED, PLANNING, DOWNLOADING, PROCESSING, READING, WRITING, FINISHING, DONE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
