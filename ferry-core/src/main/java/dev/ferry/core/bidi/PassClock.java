package dev.ferry.core.bidi;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Wall time of a bidirectional pass by part (reading each side, the base, writing each side, committing), logged at
 * the end of a run with --verbose: where a slow run spends its time, without a profiler.
 */
final class PassClock {
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    <T> T time(String part, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            nanos.merge(part, System.nanoTime() - t0, Long::sum);
        }
    }

    void time(String part, Runnable work) {
        time(part, () -> {
            work.run();
            return null;
        });
    }

    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(", ");
        nanos.forEach((part, n) -> out.add(String.format(Locale.ROOT, "%s %.2f s", part, n / 1e9)));
        return out.toString();
    }
}
