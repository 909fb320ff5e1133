package dev.ferry.testkit;

import dev.ferry.core.Values;
import dev.ferry.spi.Batch;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.RecordException;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An in-memory destination table. Each {@link DestinationWriter#write} is one transaction: it lands whole or not
 * at all. UPSERT counts inserted / updated / unchanged exactly and does not rewrite unchanged rows; APPEND adds
 * every row; REPLACE loads a new table and swaps it in at {@link DestinationWriter#complete()}.
 * Failures: an injected failure on the n-th write call, and "poison" rows (a column value matching a predicate
 * makes the whole write throw a {@link RecordException}, like a constraint violation). The same instance serves
 * every run; {@link #close()} keeps the data.
 */
public final class FakeDestination implements Destination {
    private final Object lock = new Object();
    private Map<List<Object>, Object[]> table = new LinkedHashMap<>();
    private final List<Object[]> appended = new ArrayList<>();
    private Map<List<Object>, Object[]> staging;   // REPLACE: the new table being loaded
    private Schema schema;
    private List<String> key = List.of();
    private int[] keyIdx = new int[0];
    private String tableName;

    private final FailurePlan failures = new FailurePlan();
    private volatile String poisonColumn;
    private volatile Predicate<Object> poison;
    private volatile Consumer<Batch> beforeWrite = b -> { };
    private volatile boolean concurrentWriters;

    private final AtomicLong writeCalls = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong rowsRewritten = new AtomicLong();
    private final AtomicLong completes = new AtomicLong();
    private final AtomicLong opens = new AtomicLong();
    private final AtomicLong closes = new AtomicLong();

    // --- behaviour

    /** The n-th write call from now (1 = the next) fails {@code times} times in a row, before anything lands. */
    public FakeDestination failOnWrite(long nth, int times, Failure kind) {
        failures.arm(nth, times, kind);
        return this;
    }

    public FakeDestination noFailures() {
        failures.disarm();
        return this;
    }

    /** Rows whose {@code column} value matches {@code predicate} are refused (the whole write fails). */
    public FakeDestination poison(String column, Predicate<Object> predicate) {
        this.poisonColumn = column;
        this.poison = predicate;
        return this;
    }

    /** "Fix the destination": accept every row again. */
    public FakeDestination noPoison() {
        this.poison = null;
        this.poisonColumn = null;
        return this;
    }

    /** Called at the start of every write call, on the writer's thread (block here to stall the writer). */
    public FakeDestination beforeWrite(Consumer<Batch> hook) {
        this.beforeWrite = hook;
        return this;
    }

    /** Whether the engine may write a pass through several writers at once (as SQL destinations allow). */
    public FakeDestination concurrentWriters(boolean value) {
        this.concurrentWriters = value;
        return this;
    }

    // --- figures

    /** write() calls, including ones that failed. */
    public long writeCalls() {
        return writeCalls.get();
    }

    /** write() calls that committed. */
    public long commits() {
        return commits.get();
    }

    /** Rows physically written (inserted or updated, appended, loaded); unchanged rows are not rewritten. */
    public long rowsRewritten() {
        return rowsRewritten.get();
    }

    public long completes() {
        return completes.get();
    }

    public long opens() {
        return opens.get();
    }

    public long closes() {
        return closes.get();
    }

    public void resetCounts() {
        writeCalls.set(0);
        commits.set(0);
        rowsRewritten.set(0);
    }

    /** The visible table (UPSERT/REPLACE), ordered by key; copies. */
    public List<Object[]> rows() {
        synchronized (lock) {
            List<Object[]> out = new ArrayList<>();
            table.values().forEach(r -> out.add(r.clone()));
            if (keyIdx.length == 1 && !out.isEmpty() && out.get(0)[keyIdx[0]] instanceof Comparable<?>) {
                int k = keyIdx[0];
                out.sort((a, b) -> compare(a[k], b[k]));
            } else {
                out.sort(Comparator.comparing(r -> Values.key(r, keyIdx)));
            }
            return out;
        }
    }

    /** Rows added in APPEND mode, in order; copies. */
    public List<Object[]> appendedRows() {
        synchronized (lock) {
            List<Object[]> out = new ArrayList<>();
            appended.forEach(r -> out.add(r.clone()));
            return out;
        }
    }

    public int size() {
        synchronized (lock) {
            return table.size();
        }
    }

    public Optional<Object[]> get(Object... keyValues) {
        synchronized (lock) {
            return Optional.ofNullable(table.get(Arrays.asList(keyValues))).map(Object[]::clone);
        }
    }

    /** Put a row straight in (as if someone else wrote it), bypassing failures and counters. */
    /** Someone else emptied the table (TRUNCATE). */
    public void truncate() {
        synchronized (lock) {
            table.clear();
        }
    }

    public void putDirectly(Object[] row) {
        synchronized (lock) {
            table.put(keyOf(row), row.clone());
        }
    }

    // --- Destination

    @Override
    public boolean concurrentWriters() {
        return concurrentWriters;
    }

    @Override
    public DestinationWriter open(Schema schema, WriteSpec spec) {
        opens.incrementAndGet();
        synchronized (lock) {
            if (this.schema != null && !this.schema.equals(schema) && !table.isEmpty()) {
                throw new SyncException("fake destination " + spec.table() + ": schema changed from " + this.schema.names()
                        + " to " + schema.names());
            }
            this.schema = schema;
            this.key = spec.key();
            this.keyIdx = schema.indexesOf(spec.key());
            this.tableName = spec.table();
            if (spec.mode() == WriteMode.REPLACE && (spec.fresh() || staging == null)) staging = new LinkedHashMap<>();
        }
        return new DestinationWriter() {
            @Override
            public WriteResult write(Batch batch) {
                return FakeDestination.this.write(batch, spec);
            }

            @Override
            public long delete(Batch keys) {
                writeCalls.incrementAndGet();
                failures.check("fake destination " + spec.table() + " delete()");
                synchronized (lock) {
                    long n = 0;
                    for (Object[] row : keys.rows()) if (table.remove(keyOf(row)) != null) n++;
                    commits.incrementAndGet();
                    return n;
                }
            }

            @Override
            public java.util.OptionalLong countRows() {
                synchronized (lock) {
                    return java.util.OptionalLong.of(table.size());
                }
            }

            @Override
            public void complete() {
                completes.incrementAndGet();
                if (spec.mode() == WriteMode.REPLACE) {
                    synchronized (lock) {
                        if (staging != null) {
                            table = staging;
                            staging = null;
                        }
                    }
                }
            }

            @Override
            public void close() {
            }
        };
    }

    /** A preview compares with the visible table (REPLACE too) and changes nothing, not even the remembered schema. */
    @Override
    public DestinationWriter openPreview(Schema schema, WriteSpec spec) {
        int[] idx = schema.indexesOf(spec.key());
        return new DestinationWriter() {
            @Override
            public dev.ferry.spi.WritePreview preview(Batch batch) {
                failures.check("fake destination " + spec.table() + " preview()");
                synchronized (lock) {
                    if (spec.mode() == WriteMode.APPEND) {
                        List<dev.ferry.spi.RowChange> all = new ArrayList<>();
                        for (Object[] row : batch.rows()) all.add(new dev.ferry.spi.RowChange(row.clone(), Optional.empty()));
                        return new dev.ferry.spi.WritePreview(new WriteResult(batch.size(), 0, 0), all);
                    }
                    Map<List<Object>, Object[]> pending = new LinkedHashMap<>();
                    Map<List<Object>, Object[]> before = new LinkedHashMap<>();
                    long inserted = 0, updated = 0, unchanged = 0;
                    for (Object[] row : batch.rows()) {
                        List<Object> k = new ArrayList<>(idx.length);
                        for (int i : idx) k.add(row[i]);
                        Object[] existing = pending.containsKey(k) ? pending.get(k) : table.get(k);
                        if (existing == null) inserted++;
                        else if (sameRow(existing, row)) {
                            unchanged++;
                            continue;
                        } else updated++;
                        if (!pending.containsKey(k) && table.containsKey(k)) before.put(k, table.get(k).clone());
                        pending.put(k, row.clone());
                    }
                    List<dev.ferry.spi.RowChange> changes = new ArrayList<>();
                    pending.forEach((k, row) -> changes.add(new dev.ferry.spi.RowChange(row, Optional.ofNullable(before.get(k)))));
                    return new dev.ferry.spi.WritePreview(new WriteResult(inserted, updated, unchanged), changes);
                }
            }

            @Override
            public WriteResult write(Batch batch) {
                throw new IllegalStateException("a preview writer does not write");
            }

            @Override
            public java.util.OptionalLong countRows() {
                synchronized (lock) {
                    return java.util.OptionalLong.of(table.size());
                }
            }

            @Override
            public void close() {
            }
        };
    }

    private WriteResult write(Batch batch, WriteSpec spec) {
        writeCalls.incrementAndGet();
        beforeWrite.accept(batch);
        failures.check("fake destination " + spec.table() + " write()");
        synchronized (lock) {
            // validate everything first: a refused row fails the whole transaction
            Predicate<Object> p = poison;
            String col = poisonColumn;
            if (p != null) {
                int idx = schema.indexOf(col);
                for (Object[] row : batch.rows()) {
                    if (idx >= 0 && p.test(row[idx])) {
                        throw new RecordException("row " + Values.key(row, keyIdx) + " refused: value " + Values.format(row[idx])
                                + " violates check constraint on " + tableName + "." + col,
                                new SQLException("new row for relation \"" + tableName + "\" violates check constraint", "23514"));
                    }
                }
            }
            long inserted = 0, updated = 0, unchanged = 0;
            switch (spec.mode()) {
                case APPEND -> {
                    for (Object[] row : batch.rows()) appended.add(row.clone());
                    inserted = batch.size();
                }
                case REPLACE, UPSERT -> {
                    Map<List<Object>, Object[]> target = spec.mode() == WriteMode.REPLACE ? staging : table;
                    Map<List<Object>, Object[]> pending = new LinkedHashMap<>();
                    for (Object[] row : batch.rows()) {
                        List<Object> k = keyOf(row);
                        Object[] existing = pending.containsKey(k) ? pending.get(k) : target.get(k);
                        if (existing == null) inserted++;
                        else if (sameRow(existing, row)) {
                            unchanged++;
                            continue;
                        } else updated++;
                        pending.put(k, row.clone());
                    }
                    target.putAll(pending);
                }
            }
            rowsRewritten.addAndGet(inserted + updated);
            commits.incrementAndGet();
            return new WriteResult(inserted, updated, unchanged);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        return ((Comparable) a).compareTo(b);
    }

    private List<Object> keyOf(Object[] row) {
        List<Object> k = new ArrayList<>(keyIdx.length);
        for (int i : keyIdx) k.add(row[i]);
        return k;
    }

    /** Column-wise equality; DECIMAL compares by value (1.0 = 1.00), like IS NOT DISTINCT FROM. */
    public static boolean sameRow(Object[] a, Object[] b) {
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) {
            if (!sameValue(a[i], b[i])) return false;
        }
        return true;
    }

    public static boolean sameValue(Object x, Object y) {
        if (x instanceof BigDecimal d && y instanceof BigDecimal e) return d.compareTo(e) == 0;
        if (x instanceof byte[] p && y instanceof byte[] q) return Arrays.equals(p, q);
        return Objects.equals(x, y);
    }

    public List<String> key() {
        return key;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
