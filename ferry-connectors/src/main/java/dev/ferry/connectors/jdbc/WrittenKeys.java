package dev.ferry.connectors.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * A Bloom filter of the blocking keys a run has written (scalable: a new filter of twice the size when the last
 * one is full), so that a look-up can skip the keys that certainly are not in the index yet. Only sound while
 * the index held nothing when the run began; a false "maybe" costs one probe, never a missed match. Stops (says
 * "maybe" to everything) beyond {@link #MAX_KEYS}, so its memory stays under ~40 MB whatever the table's size.
 */
final class WrittenKeys {
    static final long MAX_KEYS = 16_000_000;
    private static final int BITS_PER_KEY = 10, HASHES = 5, FIRST_CAPACITY = 1 << 20;
    private final List<long[]> filters = new ArrayList<>();
    private final List<Long> capacities = new ArrayList<>();
    private long inLast, total;
    private boolean full;

    void add(String key) {
        if (full) return;
        if (filters.isEmpty() || inLast >= capacities.get(capacities.size() - 1)) {
            long capacity = filters.isEmpty() ? FIRST_CAPACITY : capacities.get(capacities.size() - 1) * 2;
            filters.add(new long[(int) ((capacity * BITS_PER_KEY + 63) / 64)]);
            capacities.add(capacity);
            inLast = 0;
        }
        long[] bits = filters.get(filters.size() - 1);
        long h = hash(key);
        int h1 = (int) h, h2 = (int) (h >>> 32);
        long size = (long) bits.length * 64;
        for (int i = 0; i < HASHES; i++) {
            long bit = Math.floorMod(h1 + (long) i * h2, size);
            bits[(int) (bit >>> 6)] |= 1L << bit;
        }
        inLast++;
        if (++total > MAX_KEYS) {
            full = true;
            filters.clear();
        }
    }

    /** False only when the key was certainly never added. */
    boolean mightContain(String key) {
        if (full) return true;
        long h = hash(key);
        int h1 = (int) h, h2 = (int) (h >>> 32);
        outer:
        for (long[] bits : filters) {
            long size = (long) bits.length * 64;
            for (int i = 0; i < HASHES; i++) {
                long bit = Math.floorMod(h1 + (long) i * h2, size);
                if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) continue outer;
            }
            return true;
        }
        return false;
    }

    /** FNV-1a 64 with a final mix (murmur3's fmix64). */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
