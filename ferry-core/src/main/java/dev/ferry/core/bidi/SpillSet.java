package dev.ferry.core.bidi;

/** A set of record keys that moves to a temporary file past a limit ({@link SpillMap}). */
final class SpillSet implements AutoCloseable {
    private static final SpillMap.Codec<Boolean> PRESENT = new SpillMap.Codec<>() {
        @Override
        public String encode(Boolean value) {
            return "";
        }

        @Override
        public Boolean decode(String text) {
            return Boolean.TRUE;
        }
    };

    private final SpillMap<Boolean> keys;

    SpillSet(int heapLimit) {
        this.keys = new SpillMap<>(heapLimit, PRESENT);
    }

    void add(String key) {
        keys.put(key, Boolean.TRUE);
    }

    boolean contains(String key) {
        return keys.containsKey(key);
    }

    long size() {
        return keys.size();
    }

    @Override
    public void close() {
        keys.close();
    }
}
