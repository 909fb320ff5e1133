package dev.ferry.quality.dedup;

import dev.ferry.quality.Match;
import dev.ferry.quality.Prepared;
import dev.ferry.quality.RuleSet;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Plans one batch of deduplication against the destination's index and within the batch:
 * <ol>
 * <li>a record already linked keeps its master: unchanged when its row hash is the same, else its new values
 *     are merged into the master (updated);</li>
 * <li>a new record is compared with the members that share one of its blocking keys (stored ones and the
 *     batch's earlier records); no match → it founds a master keyed by its own key (inserted); a match → it is
 *     folded into that master by the strategy (merged);</li>
 * <li>when it matches members of several masters, they are one entity: the master with the smallest key
 *     survives, the others are folded into it and removed, and their links move to it.</li>
 * </ol>
 * Deterministic for a given index and batch, so a batch redone after a crash plans the same (and finds its own
 * earlier commit: everything linked, unchanged).
 */
public final class DedupPlanner {
    private final RuleSet rules;
    private final Strategy strategy;
    private final List<String> columns;
    private final int[] keyIndexes;
    private final Map<String, Integer> columnIndex = new HashMap<>();

    public DedupPlanner(RuleSet rules, Strategy strategy, List<String> columns, int[] keyIndexes) {
        this.rules = rules;
        this.strategy = strategy;
        this.columns = List.copyOf(columns);
        this.keyIndexes = keyIndexes.clone();
        for (int i = 0; i < columns.size(); i++) columnIndex.put(columns.get(i).toLowerCase(java.util.Locale.ROOT), i);
    }

    /** The rules' fields missing from the columns (a config problem to report at start-up). */
    public static List<String> missingFields(RuleSet rules, List<String> columns) {
        Set<String> have = new HashSet<>();
        columns.forEach(c -> have.add(c.toLowerCase(java.util.Locale.ROOT)));
        return rules.fields().stream().filter(f -> !have.contains(f.toLowerCase(java.util.Locale.ROOT))).toList();
    }

    public String keyOf(Object[] row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keyIndexes.length; i++) {
            if (i > 0) sb.append('\u001f');
            Object v = row[keyIndexes[i]];
            sb.append(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : String.valueOf(v));
        }
        return sb.toString();
    }

    public Prepared prepare(Object[] row) {
        return rules.prepare(field -> {
            Integer i = columnIndex.get(field.toLowerCase(java.util.Locale.ROOT));
            Object v = i == null ? null : row[i];
            return v == null ? null : String.valueOf(v);
        });
    }

    public static long rowHash(Object[] row) {
        long h = 0xcbf29ce484222325L;
        for (Object o : row) {
            String s = o == null ? "\u0000" : o instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString()
                    : o instanceof byte[] b ? java.util.Base64.getEncoder().encodeToString(b) : String.valueOf(o);
            for (int i = 0; i < s.length(); i++) {
                h ^= s.charAt(i);
                h *= 0x100000001b3L;
            }
            h ^= 0x1f;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A working member: stored or from this batch. */
    private static final class Work {
        final String sourceKey;
        final Prepared features;
        Work(String sourceKey, Prepared features) {
            this.sourceKey = sourceKey;
            this.features = features;
        }
    }

    /**
     * A change to a master's row, replayed once the stored masters it needs are loaded: fold a record's row, or
     * (when {@code row} is null) the row of master {@code from}, into master {@code into}. {@code sourceKey} and
     * {@code kind}: the record folded and why ("updated", "merged"), for {@link MasterChanges}.
     */
    private record Fold(String into, Object[] row, String from, String sourceKey, String kind) {
    }

    public DedupPlan plan(List<Object[]> batchRows, DedupIndex index) {
        return plan(batchRows, index, MasterChanges.NONE);
    }

    /** The plan, telling {@code changes} each change to a master row as it is made (a preview's samples). */
    public DedupPlan plan(List<Object[]> batchRows, DedupIndex index, MasterChanges changes) {
        // the last row per key wins inside a batch, as for upserts
        Map<String, Object[]> rows = new LinkedHashMap<>();
        for (Object[] r : batchRows) rows.put(keyOf(r), r);

        Map<String, Member> linked = index.members(rows.keySet());
        // normalising is the costly part of preparing and each record's is independent: spread it over the cores
        List<Map.Entry<String, Object[]>> entries = new ArrayList<>(rows.entrySet());
        // (with its blocking keys, encoded match values and row hash, all per record)
        int n = entries.size();
        Prepared[] preparedAt = new Prepared[n];
        @SuppressWarnings("unchecked") List<String>[] keysAt = new List[n];
        String[] encodedAt = new String[n];
        long[] hashAt = new long[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            Object[] row = entries.get(i).getValue();
            preparedAt[i] = prepare(row);
            keysAt[i] = rules.blockingKeys(preparedAt[i]);
            encodedAt[i] = Features.encode(preparedAt[i]);
            hashAt[i] = rowHash(row);
        });
        Map<String, Prepared> prepared = new HashMap<>();
        Map<String, List<String>> keysOf = new HashMap<>();
        Map<String, String> encoded = new HashMap<>();
        Map<String, Long> hashes = new HashMap<>();
        Set<String> blockKeys = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            String key = entries.get(i).getKey();
            prepared.put(key, preparedAt[i]);
            keysOf.put(key, keysAt[i]);
            encoded.put(key, encodedAt[i]);
            hashes.put(key, hashAt[i]);
            if (!linked.containsKey(key)) blockKeys.addAll(keysAt[i]);
        }
        Map<String, List<Member>> stored = blockKeys.isEmpty() ? Map.of() : index.candidates(blockKeys);

        // working state: member → master (union-find over master keys); master rows are loaded after matching,
        // only for the masters the batch changes (not for every candidate's master)
        Map<String, String> masterOf = new HashMap<>();
        Map<String, String> parent = new HashMap<>(); // master → the master it was folded into
        Map<String, List<Work>> block = new HashMap<>();
        int size = rules.features().size();
        List<Map.Entry<String, List<Member>>> storedBlocks = new ArrayList<>(stored.entrySet());
        @SuppressWarnings("unchecked") List<Work>[] worksAt = new List[storedBlocks.size()];
        IntStream.range(0, worksAt.length).parallel().forEach(i -> {
            List<Work> ws = new ArrayList<>();
            for (Member m : storedBlocks.get(i).getValue()) ws.add(new Work(m.sourceKey(), Features.decode(m.features(), size)));
            worksAt[i] = ws;
        });
        for (int i = 0; i < worksAt.length; i++) {
            for (Member m : storedBlocks.get(i).getValue()) masterOf.putIfAbsent(m.sourceKey(), m.masterKey());
            block.put(storedBlocks.get(i).getKey(), worksAt[i]);
        }
        linked.values().forEach(m -> masterOf.put(m.sourceKey(), m.masterKey()));
        Map<String, Object[]> masterRows = new HashMap<>(); // founders of this batch; stored masters added below
        List<Fold> folds = new ArrayList<>();
        Map<String, List<String>> oldBlockKeys = new HashMap<>();
        Set<String> dirty = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        List<DedupPlan.Link> links = new ArrayList<>();
        Map<String, DedupPlan.Link> linkBySource = new LinkedHashMap<>();
        long inserted = 0, merged = 0, updated = 0, unchanged = 0;

        for (var e : rows.entrySet()) {
            String key = e.getKey();
            Object[] row = e.getValue();
            long hash = hashes.get(key);
            Prepared p = prepared.get(key);
            Member known = linked.get(key);
            if (known != null) {
                if (known.rowHash() == hash) {
                    unchanged++;
                    continue;
                }
                String master = find(parent, known.masterKey());
                oldBlockKeys.put(key, rules.blockingKeys(Features.decode(known.features(), size)));
                folds.add(new Fold(master, row, null, key, "updated"));
                dirty.add(master);
                linkBySource.put(key, new DedupPlan.Link(key, master, "updated", 1.0, hash, encoded.get(key), keysOf.get(key)));
                updated++;
                continue;
            }
            // compare with every member sharing a blocking key; remember the best match per master
            Map<String, Match> matchedMasters = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (String bk : keysOf.get(key)) {
                for (Work w : block.getOrDefault(bk, List.of())) {
                    if (!seen.add(w.sourceKey)) continue;
                    String m = find(parent, masterOf.get(w.sourceKey));
                    Optional<Match> match = rules.match(p, w.features);
                    if (match.isPresent()) {
                        Match prev = matchedMasters.get(m);
                        if (prev == null || match.get().score() > prev.score()) matchedMasters.put(m, match.get());
                    }
                }
            }
            String master;
            Match how;
            if (matchedMasters.isEmpty()) {
                master = key;
                how = new Match("new", 1.0);
                masterRows.put(master, row.clone());
                dirty.add(master);
                inserted++;
                changes.changed("inserted", key, master, null, row);
            } else {
                TreeSet<String> ms = new TreeSet<>(matchedMasters.keySet());
                master = ms.first();
                how = matchedMasters.get(master);
                for (String other : ms.tailSet(master, false)) {
                    // two masters meet through this record: fold the other into the survivor
                    folds.add(new Fold(master, null, other, null, null));
                    parent.put(other, master);
                    removed.add(other);
                    if (matchedMasters.get(other).score() > how.score()) how = matchedMasters.get(other);
                }
                folds.add(new Fold(master, row, null, key, "merged"));
                dirty.add(master);
                merged++;
            }
            masterOf.put(key, master);
            Work w = new Work(key, p);
            for (String bk : keysOf.get(key)) block.computeIfAbsent(bk, k -> new ArrayList<>()).add(w);
            linkBySource.put(key, new DedupPlan.Link(key, master, how.rule(), how.score(), hash, encoded.get(key), keysOf.get(key)));
        }

        // load the stored masters the folds touch, then replay the folds in order
        Set<String> needed = new TreeSet<>();
        for (Fold f : folds) {
            needed.add(f.into());
            if (f.from() != null) needed.add(f.from());
        }
        needed.removeAll(masterRows.keySet());
        Map<String, Object[]> loaded = needed.isEmpty() ? Map.of() : index.masters(needed);
        Set<String> storedMasters = new HashSet<>(loaded.keySet());
        masterRows.putAll(loaded);
        for (Fold f : folds) {
            Object[] base = masterRows.get(f.into());
            if (f.row() != null) {
                Object[] after = base == null ? f.row().clone() : strategy.apply(base, f.row(), keyIndexes);
                masterRows.put(f.into(), after);
                changes.changed(f.kind(), f.sourceKey(), f.into(), base, after);
            } else {
                Object[] gone = masterRows.get(f.from());
                if (base != null && gone != null) masterRows.put(f.into(), strategy.apply(base, gone, keyIndexes));
            }
        }

        // resolve final masters
        for (DedupPlan.Link l : linkBySource.values()) {
            links.add(new DedupPlan.Link(l.sourceKey(), find(parent, l.masterKey()), l.rule(), l.score(), l.rowHash(),
                    l.features(), l.blockKeys()));
        }
        Map<String, String> remaps = new LinkedHashMap<>();
        List<Object[]> deletes = new ArrayList<>();
        for (String r : removed) {
            remaps.put(r, find(parent, r));
            if (storedMasters.contains(r)) deletes.add(masterRows.get(r));
        }
        List<Object[]> upserts = new ArrayList<>();
        for (String d : dirty) if (!removed.contains(d)) upserts.add(masterRows.get(d));
        return new DedupPlan(upserts, deletes, links, remaps, inserted, merged, updated, unchanged, removed.size(), oldBlockKeys);
    }

    private static String find(Map<String, String> parent, String m) {
        String p;
        while ((p = parent.get(m)) != null) m = p;
        return m;
    }
}
