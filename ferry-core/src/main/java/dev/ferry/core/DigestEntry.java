package dev.ferry.core;

import dev.ferry.spi.RangeDigest;

/**
 * One remembered key range of a sync: the digest of the rows Ferry last wrote there.
 *
 * @param ordinal orders the ranges by key (the store cannot compare opaque key positions)
 */
public record DigestEntry(long ordinal, RangeDigest digest) {
}
