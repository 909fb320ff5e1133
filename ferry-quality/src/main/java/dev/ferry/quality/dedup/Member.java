package dev.ferry.quality.dedup;

/**
 * A source record already linked to a master: its key, its master's key, the hash of the row as last written
 * and its match features as stored (see {@link Features}).
 */
public record Member(String sourceKey, String masterKey, long rowHash, String features) {
}
