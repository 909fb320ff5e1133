package dev.ferry.core;

public enum RunStatus {
    RUNNING, SUCCEEDED, PARTIAL, FAILED, CANCELLED, INTERRUPTED;

    public boolean finished() {
        return this != RUNNING;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
