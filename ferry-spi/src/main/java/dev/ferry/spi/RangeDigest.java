package dev.ferry.spi;

import java.util.Optional;

/**
 * A fingerprint of the rows of one key range, as the source delivers them: the row count and an
 * order-independent 64-bit hash (XOR of per-row hashes). Equal digests mean the range is unchanged.
 *
 * @param firstKey the range starts at this key position (inclusive), or at the start of the key space when empty;
 *                 it runs up to the next range's first key
 */
public record RangeDigest(Optional<String> firstKey, long rows, long hash) {
    public RangeDigest {
        firstKey = firstKey == null ? Optional.empty() : firstKey;
    }

    public boolean sameContent(RangeDigest other) {
        return rows == other.rows && hash == other.hash;
    }
}
