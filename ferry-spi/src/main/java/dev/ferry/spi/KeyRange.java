package dev.ferry.spi;

import java.util.Optional;

/** A slice of the key space: keys ≥ {@code from} (when present) and < {@code to} (when present); encoded positions. */
public record KeyRange(Optional<String> from, Optional<String> to) {
    public KeyRange {
        from = from == null ? Optional.empty() : from;
        to = to == null ? Optional.empty() : to;
    }
}
