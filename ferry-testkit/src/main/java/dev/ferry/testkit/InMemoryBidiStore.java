package dev.ferry.testkit;

import dev.ferry.core.bidi.BaseRow;
import dev.ferry.core.bidi.BidiStore;
import dev.ferry.core.bidi.Conflict;
import dev.ferry.spi.SyncException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link BidiStore} in memory, for tests: the same contract as the JDBC one, each commit atomic under one lock. */
public final class InMemoryBidiStore implements BidiStore {
    private final Map<String, Map<String, BaseRow>> base = new HashMap<>();
    private final Map<String, Map<String, String>> cursors = new HashMap<>();
    private final TreeMap<Long, Conflict> conflicts = new TreeMap<>();
    private long nextId = 1;

    @Override
    public synchronized Map<String, BaseRow> base(String syncName, Collection<String> keys) {
        Map<String, BaseRow> all = base.getOrDefault(syncName, Map.of());
        Map<String, BaseRow> out = new HashMap<>();
        for (String k : keys) if (all.containsKey(k)) out.put(k, all.get(k));
        return out;
    }

    @Override
    public synchronized List<String> baseKeys(String syncName) {
        return new ArrayList<>(base.getOrDefault(syncName, Map.of()).keySet());
    }

    @Override
    public synchronized List<String> baseKeys(String syncName, Optional<String> after, int limit) {
        return base.getOrDefault(syncName, Map.of()).keySet().stream().sorted()
                .filter(k -> after.isEmpty() || k.compareTo(after.get()) > 0).limit(Math.max(1, limit)).toList();
    }

    @Override
    public synchronized long baseSize(String syncName) {
        return base.getOrDefault(syncName, Map.of()).size();
    }

    @Override
    public synchronized List<Conflict> commit(String syncName, List<BaseRow> upserts, List<String> deletes, List<Conflict> add) {
        Map<String, BaseRow> b = base.computeIfAbsent(syncName, k -> new LinkedHashMap<>());
        for (BaseRow r : upserts) b.put(r.key(), r);
        for (String k : deletes) b.remove(k);
        List<Conflict> stored = new java.util.ArrayList<>(add.size());
        for (Conflict c : add) {
            long id = c.id();
            if (id == 0) {
                // a re-run after a crash finds it again: the open pending record of its key and field, or the same
                // decision (or applied conflict) recorded by the attempt that crashed
                id = conflicts.values().stream().filter(x -> x.syncName().equals(c.syncName()) && x.status() == c.status()
                        && x.key().equals(c.key()) && x.field().equals(c.field())
                        && (c.status() == Conflict.Status.PENDING || (x.base().equals(c.base()) && x.aValue().equals(c.aValue())
                        && x.bValue().equals(c.bValue())))).map(Conflict::id).findFirst().orElse(0L);
                if (id != 0 && c.status() != Conflict.Status.PENDING) {
                    stored.add(conflicts.get(id));
                    continue;
                }
            }
            if (id == 0) id = nextId++;
            Conflict old = conflicts.get(id);
            Conflict now = new Conflict(id, c.syncName(), old == null ? c.runId() : old.runId(), c.key(), c.field(),
                    old == null ? c.base() : old.base(), c.aValue(), c.bValue(), c.strategy(), c.status(), c.resolution(),
                    c.resolvedBy(), old == null ? c.detectedAt() : old.detectedAt(), c.resolvedAt());
            conflicts.put(id, now);
            stored.add(now);
        }
        return stored;
    }

    @Override
    public synchronized Map<String, String> cursors(String syncName) {
        return new TreeMap<>(cursors.getOrDefault(syncName, Map.of()));
    }

    @Override
    public synchronized void saveCursors(String syncName, Map<String, String> c) {
        cursors.put(syncName, new TreeMap<>(c));
    }

    @Override
    public synchronized void resetCursors(String syncName) {
        cursors.remove(syncName);
    }

    @Override
    public synchronized List<Conflict> conflicts(Optional<String> syncName, Optional<Conflict.Status> status, int limit) {
        return conflicts.descendingMap().values().stream()
                .filter(c -> syncName.map(c.syncName()::equals).orElse(true))
                .filter(c -> status.map(s -> c.status() == s).orElse(true))
                .limit(limit).toList();
    }

    @Override
    public synchronized Optional<Conflict> conflict(long id) {
        return Optional.ofNullable(conflicts.get(id));
    }

    @Override
    public synchronized void resolve(long id, Optional<String> value, String resolvedBy, Instant at) {
        Conflict c = conflicts.get(id);
        if (c == null || c.status() != Conflict.Status.PENDING) {
            throw new SyncException("conflict " + id + " is not waiting for a decision; list them with: ferry conflicts list");
        }
        conflicts.put(id, new Conflict(id, c.syncName(), c.runId(), c.key(), c.field(), c.base(), c.aValue(), c.bValue(), c.strategy(),
                Conflict.Status.RESOLVED, value, Optional.of(resolvedBy), c.detectedAt(), Optional.of(at)));
    }

    @Override
    public synchronized void dropSync(String syncName) {
        base.remove(syncName);
        cursors.remove(syncName);
        conflicts.values().removeIf(c -> c.syncName().equals(syncName));
    }
}
