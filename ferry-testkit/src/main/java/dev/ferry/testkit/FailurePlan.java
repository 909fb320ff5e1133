package dev.ferry.testkit;

/**
 * Arms a failure for the n-th call from now (1 = the next call), repeated {@code times} times: the same call
 * fails {@code times} times in a row (a retry of it fails again) and then succeeds. Thread-safe.
 */
final class FailurePlan {
    private long calls;          // calls that got past the failure check
    private long armedAt = -1;   // the call number that fails
    private int remaining;
    private Failure kind;

    synchronized void arm(long nth, int times, Failure kind) {
        if (nth < 1) throw new IllegalArgumentException("nth must be at least 1");
        this.armedAt = calls + nth;
        this.remaining = times;
        this.kind = kind;
    }

    synchronized void disarm() {
        armedAt = -1;
        remaining = 0;
    }

    /** Throws the armed failure if this call is the armed one; otherwise counts the call. */
    synchronized void check(String where) {
        if (remaining > 0 && calls + 1 == armedAt) {
            remaining--;
            throw kind.create(where + " (call " + armedAt + ")");
        }
        calls++;
    }

    synchronized long calls() {
        return calls;
    }
}
