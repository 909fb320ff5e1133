package dev.ferry.core.bidi;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.StringDataType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Record keys to values, on the heap up to a limit and beyond it in a temporary file (an H2 MVStore, deleted on
 * close): a first run, or a whole-table read of a side with many changes, keeps millions of records in it with the
 * heap of an incremental run. Values go to the file as text through a {@link Codec}.
 */
final class SpillMap<V> implements AutoCloseable {
    /** How a value is written to the file and read back. */
    interface Codec<V> {
        String encode(V value);

        V decode(String text);
    }

    private static final int FILE_CACHE_MB = 8;

    private final int heapLimit;
    private final Codec<V> codec;
    private Map<String, V> heap = new HashMap<>();
    private MVStore store;
    private MVMap<String, String> disk;
    private Path file;

    SpillMap(int heapLimit, Codec<V> codec) {
        this.heapLimit = heapLimit;
        this.codec = codec;
    }

    boolean spilled() {
        return disk != null;
    }

    void put(String key, V value) {
        if (disk != null) {
            disk.put(key, codec.encode(value));
            return;
        }
        heap.put(key, value);
        if (heap.size() > heapLimit) spill();
    }

    V get(String key) {
        if (disk == null) return heap.get(key);
        String s = disk.get(key);
        return s == null ? null : codec.decode(s);
    }

    boolean containsKey(String key) {
        return disk == null ? heap.containsKey(key) : disk.containsKey(key);
    }

    V remove(String key) {
        if (disk == null) return heap.remove(key);
        String s = disk.remove(key);
        return s == null ? null : codec.decode(s);
    }

    long size() {
        return disk == null ? heap.size() : disk.sizeAsLong();
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** Every entry in key order, {@code n} at a time; the map must not change meanwhile. */
    void forEachChunk(int n, Consumer<List<Map.Entry<String, V>>> action) {
        Iterator<Map.Entry<String, V>> it;
        if (disk == null) {
            List<Map.Entry<String, V>> sorted = new ArrayList<>(heap.entrySet());
            sorted.sort(Map.Entry.comparingByKey());
            it = sorted.iterator();
        } else {
            it = decoded(disk.entrySet().iterator());
        }
        List<Map.Entry<String, V>> chunk = new ArrayList<>(Math.min(n, 10_000));
        while (it.hasNext()) {
            chunk.add(it.next());
            if (chunk.size() >= n) {
                action.accept(chunk);
                chunk = new ArrayList<>(Math.min(n, 10_000));
            }
        }
        if (!chunk.isEmpty()) action.accept(chunk);
    }

    private Iterator<Map.Entry<String, V>> decoded(Iterator<Map.Entry<String, String>> raw) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return raw.hasNext();
            }

            @Override
            public Map.Entry<String, V> next() {
                Map.Entry<String, String> e = raw.next();
                return new AbstractMap.SimpleImmutableEntry<>(e.getKey(), codec.decode(e.getValue()));
            }
        };
    }

    void clear() {
        if (disk != null) disk.clear();
        else heap.clear();
    }

    private void spill() {
        try {
            file = Files.createTempFile("ferry-bidi-", ".spill");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary file for a large bidirectional read", e);
        }
        // a scratch file: nothing in it must survive a crash, so no commits are waited for
        store = new MVStore.Builder().fileName(file.toString()).cacheSize(FILE_CACHE_MB).open();
        disk = store.openMap("spill", new MVMap.Builder<String, String>().keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE));
        for (Map.Entry<String, V> e : heap.entrySet()) disk.put(e.getKey(), codec.encode(e.getValue()));
        heap = null;
    }

    @Override
    public void close() {
        if (store == null) return;
        store.closeImmediately();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file: the system cleans it eventually
        }
        store = null;
        disk = null;
    }
}
