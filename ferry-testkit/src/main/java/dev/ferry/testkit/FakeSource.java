package dev.ferry.testkit;

import dev.ferry.core.Values;
import dev.ferry.spi.Batch;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An in-memory source table keyed by one BIGINT column, read with keyset pagination
 * ({@code key > position ORDER BY key LIMIT n}) and an optional cursor range (from exclusive, to inclusive).
 * Rows can be changed between (or during) runs; failures can be injected into {@link SourceReader#next()}.
 * The same instance serves every run (the engine's {@link #close()} does not drop the data).
 */
public final class FakeSource implements Source {
    private final Schema schema;
    private final int keyIndex;
    private final ConcurrentSkipListMap<Long, Object[]> rows = new ConcurrentSkipListMap<>();
    private final FailurePlan failures = new FailurePlan();
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong batchesRead = new AtomicLong();
    private final AtomicLong opens = new AtomicLong();
    private final AtomicLong closes = new AtomicLong();
    private volatile boolean countable = true;
    private volatile boolean digests;
    private volatile boolean splittable;
    private volatile Consumer<Batch> onBatch = b -> { };

    public FakeSource() {
        this(FakeSchema.SCHEMA, FakeSchema.KEY);
    }

    public FakeSource(Schema schema, String keyColumn) {
        this.schema = schema;
        this.keyIndex = schema.indexOf(keyColumn);
        if (keyIndex < 0 || schema.column(keyIndex).type() != ColumnType.BIGINT) {
            throw new IllegalArgumentException("key column " + keyColumn + " must be a BIGINT column of " + schema.names());
        }
    }

    // --- data

    public FakeSource put(Object[] row) {
        rows.put((Long) row[keyIndex], row.clone());
        return this;
    }

    public FakeSource putAll(Collection<Object[]> rs) {
        rs.forEach(this::put);
        return this;
    }

    public FakeSource remove(long key) {
        rows.remove(key);
        return this;
    }

    public Optional<Object[]> get(long key) {
        return Optional.ofNullable(rows.get(key)).map(Object[]::clone);
    }

    /** The rows in key order (copies). */
    public List<Object[]> rows() {
        List<Object[]> out = new ArrayList<>(rows.size());
        rows.values().forEach(r -> out.add(r.clone()));
        return out;
    }

    public int size() {
        return rows.size();
    }

    // --- behaviour

    /** The n-th {@link SourceReader#next()} call from now (1 = the next one) fails {@code times} times in a row. */
    public FakeSource failOnNext(long nth, int times, Failure kind) {
        failures.arm(nth, times, kind);
        return this;
    }

    public FakeSource noFailures() {
        failures.disarm();
        return this;
    }

    /** false: {@link #plan} cannot count (returns no total), like a source without a cheap count. */
    public FakeSource countable(boolean value) {
        this.countable = value;
        return this;
    }

    /** Called with every batch the reader is about to return (on the reader's thread). */
    /** Digest key ranges (like a database source that can hash ranges where the data lives). */
    public FakeSource digests(boolean value) {
        this.digests = value;
        return this;
    }

    /** Whether {@link #split} cuts the keys into ranges (as the PostgreSQL source does) or declines. */
    public FakeSource splittable(boolean value) {
        this.splittable = value;
        return this;
    }

    public FakeSource onBatch(Consumer<Batch> hook) {
        this.onBatch = hook;
        return this;
    }

    // --- figures

    /** Rows returned by readers so far (re-reads count again). */
    public long rowsRead() {
        return rowsRead.get();
    }

    /** Non-empty batches returned by readers so far. */
    public long batchesRead() {
        return batchesRead.get();
    }

    public long opens() {
        return opens.get();
    }

    public long closes() {
        return closes.get();
    }

    public void resetCounts() {
        rowsRead.set(0);
        batchesRead.set(0);
    }

    // --- Source

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Plan plan(ReadSpec spec) {
        Range range = Range.of(this, spec);
        long count = 0;
        Comparable<Object> max = null;
        for (Object[] row : rows.values()) {
            if (!range.matchesFrom(row)) continue;
            if (range.matchesTo(row)) count++;
            if (range.cursorIndex >= 0) {
                @SuppressWarnings("unchecked") Comparable<Object> c = (Comparable<Object>) row[range.cursorIndex];
                if (range.matchesTo(row) && c != null && (max == null || c.compareTo(max) > 0)) max = c;
            }
        }
        Optional<String> cursorTo = range.cursorIndex < 0 ? Optional.empty()
                : spec.cursorTo().isPresent() ? spec.cursorTo() : Optional.ofNullable(max).map(Values::format);
        return new Plan(countable ? OptionalLong.of(count) : OptionalLong.empty(), OptionalLong.empty(), cursorTo);
    }

    @Override
    public SourceReader open(ReadSpec spec, Optional<String> resumeAfter) {
        opens.incrementAndGet();
        Range range = Range.of(this, spec);
        long start = resumeAfter.map(FakeSource::decodePosition).orElse(Long.MIN_VALUE);
        List<dev.ferry.spi.KeyRange> keyRanges = spec.ranges().isEmpty()
                ? List.of(new dev.ferry.spi.KeyRange(Optional.empty(), Optional.empty())) : spec.ranges();
        return new SourceReader() {
            private long after = start;
            private long seq;
            private boolean done;
            private int rangeIndex;
            private boolean rangeStarted = start != Long.MIN_VALUE;

            @Override
            public Optional<Batch> next() {
                failures.check("fake source next()");
                while (!done) {
                    dev.ferry.spi.KeyRange kr = keyRanges.get(rangeIndex);
                    long lo = kr.from().map(FakeSource::decodePosition).orElse(Long.MIN_VALUE);
                    long hi = kr.to().map(FakeSource::decodePosition).orElse(Long.MAX_VALUE);
                    long from = Math.max(after == Long.MIN_VALUE ? Long.MIN_VALUE : after + 1, lo);
                    NavigableMap<Long, Object[]> slice = rows.subMap(from, true, hi, hi == Long.MAX_VALUE);
                    List<Object[]> page = new ArrayList<>(spec.batchSize());
                    long last = after;
                    for (Map.Entry<Long, Object[]> e : slice.entrySet()) {
                        Object[] row = e.getValue();
                        if (!range.matchesFrom(row) || !range.matchesTo(row)) continue;
                        page.add(row.clone());
                        last = e.getKey();
                        if (page.size() == spec.batchSize()) break;
                    }
                    if (page.isEmpty()) {
                        if (++rangeIndex >= keyRanges.size()) done = true;
                        rangeStarted = false;
                        continue;
                    }
                    // the first batch of a range starts where the range does, so nothing in between goes unvouched
                    Optional<String> firstKey = rangeStarted ? Optional.of(encodePosition((Long) page.get(0)[keyIndex])) : kr.from();
                    rangeStarted = true;
                    after = last;
                    Optional<dev.ferry.spi.RangeDigest> digest = digests
                            ? Optional.of(new dev.ferry.spi.RangeDigest(firstKey, page.size(), xorOfRows(page))) : Optional.empty();
                    Batch b = new Batch(seq++, schema, page, encodePosition(last), 64L * page.size(), digest);
                rowsRead.addAndGet(page.size());
                batchesRead.incrementAndGet();
                    onBatch.accept(b);
                    return Optional.of(b);
                }
                return Optional.empty();
            }

            @Override
            public void close() {
            }
        };
    }

    /** Equal shares of the keys the spec selects, cut at actual keys; none below two batches a part. */
    @Override
    public List<dev.ferry.spi.KeyRange> split(ReadSpec spec, int parts) {
        if (!splittable || parts < 2) return List.of();
        Range range = Range.of(this, spec);
        List<Long> keys = new ArrayList<>();
        for (Map.Entry<Long, Object[]> e : rows.entrySet()) {
            if (range.matchesFrom(e.getValue()) && range.matchesTo(e.getValue())) keys.add(e.getKey());
        }
        int worth = (int) Math.min(parts, keys.size() / (2L * spec.batchSize()));
        if (worth < 2) return List.of();
        List<dev.ferry.spi.KeyRange> out = new ArrayList<>();
        Optional<String> from = Optional.empty();
        for (int p = 1; p < worth; p++) {
            Optional<String> to = Optional.of(encodePosition(keys.get((int) ((long) keys.size() * p / worth))));
            out.add(new dev.ferry.spi.KeyRange(from, to));
            from = to;
        }
        out.add(new dev.ferry.spi.KeyRange(from, Optional.empty()));
        return out;
    }

    @Override
    public Optional<List<dev.ferry.spi.RangeDigest>> digestRanges(ReadSpec spec, List<String> thresholds) {
        if (!digests) return Optional.empty();
        Range range = Range.of(this, spec);
        long[] bounds = thresholds.stream().mapToLong(FakeSource::decodePosition).toArray();
        long[] counts = new long[bounds.length + 1];
        long[] hashes = new long[bounds.length + 1];
        for (Object[] row : rows.values()) {
            if (!range.matchesFrom(row) || !range.matchesTo(row)) continue;
            long key = (Long) row[keyIndex];
            int bucket = 0;
            while (bucket < bounds.length && key >= bounds[bucket]) bucket++;
            counts[bucket]++;
            hashes[bucket] ^= rowHash(row);
        }
        List<dev.ferry.spi.RangeDigest> out = new ArrayList<>();
        for (int i = 0; i <= bounds.length; i++) {
            out.add(new dev.ferry.spi.RangeDigest(i == 0 ? Optional.empty() : Optional.of(thresholds.get(i - 1)), counts[i], hashes[i]));
        }
        return Optional.of(out);
    }

    static long xorOfRows(List<Object[]> page) {
        long h = 0;
        for (Object[] row : page) h ^= rowHash(row);
        return h;
    }

    static long rowHash(Object[] row) {
        long h = 1125899906842597L;
        for (Object v : row) {
            String s = String.valueOf(Values.format(v));
            for (int i = 0; i < s.length(); i++) h = 31 * h + s.charAt(i);
            h = 31 * h + 0x1f;
        }
        return h ^ (h >>> 29);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    public static String encodePosition(long key) {
        return "id>" + key;
    }

    public static long decodePosition(String position) {
        if (position == null || !position.startsWith("id>")) {
            throw new SyncException("fake source: position '" + position + "' is not one of mine (expected id>N)");
        }
        return Long.parseLong(position.substring(3));
    }

    /** The cursor bounds of a read, decoded. */
    private record Range(int cursorIndex, Comparable<Object> from, Comparable<Object> to) {
        @SuppressWarnings("unchecked")
        static Range of(FakeSource s, ReadSpec spec) {
            if (spec.key().size() != 1 || s.schema.indexOf(spec.key().get(0)) != s.keyIndex) {
                throw new SyncException("fake source: key must be [" + s.schema.column(s.keyIndex).name() + "], got " + spec.key());
            }
            if (spec.cursor().isEmpty()) return new Range(-1, null, null);
            int idx = s.schema.indexOf(spec.cursor().get());
            if (idx < 0) throw new SyncException("fake source: no cursor column " + spec.cursor().get());
            ColumnType type = s.schema.column(idx).type();
            Comparable<Object> from = (Comparable<Object>) spec.cursorFrom().map(v -> Values.parse(type, v)).orElse(null);
            Comparable<Object> to = (Comparable<Object>) spec.cursorTo().map(v -> Values.parse(type, v)).orElse(null);
            return new Range(idx, from, to);
        }

        boolean matchesFrom(Object[] row) {
            if (cursorIndex < 0 || from == null) return true;
            Object v = row[cursorIndex];
            return v != null && from.compareTo(v) < 0;
        }

        boolean matchesTo(Object[] row) {
            if (cursorIndex < 0 || to == null) return true;
            Object v = row[cursorIndex];
            return v != null && to.compareTo(v) >= 0;
        }
    }
}
