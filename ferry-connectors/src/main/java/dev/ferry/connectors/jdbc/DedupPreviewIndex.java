package dev.ferry.connectors.jdbc;

import dev.ferry.quality.dedup.DedupIndex;
import dev.ferry.quality.dedup.DedupPlan;
import dev.ferry.quality.dedup.DedupPlanner;
import dev.ferry.quality.dedup.Member;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The destination's dedup tables as a preview's earlier batches would have left them, without writing them: the
 * stored tables (read through {@link Stored}) under an in-memory overlay of every plan the preview has applied.
 * The overlay mirrors {@code DedupWriter.apply} statement by statement (links moved off merged-away masters, masters
 * deleted and upserted, a re-linked record's old blocking keys removed, links upserted, new keys filed), so the
 * planner sees, batch after batch, what it would see in a real run. It grows with the records the preview changes
 * (their links, blocking keys and masters), as the tables would.
 */
final class DedupPreviewIndex implements DedupIndex {
    /** The stored tables as they are (the preview's reads: links, blocking index, masters). */
    interface Stored extends DedupIndex {
        /** Stored links whose master is one of these. */
        Map<String, Member> linksOf(Collection<String> masterKeys);
    }

    private final Stored stored;
    private final DedupPlanner planner;
    /** source key → its link as the run would have written it (wins over the stored one) */
    private final Map<String, Member> links = new HashMap<>();
    private final SmallSets linksByMaster = new SmallSets();
    /** blocking key → source keys filed under it by the preview */
    private final SmallSets addedKeys = new SmallSets();
    /** stored (blocking key, source key) rows the preview removed */
    private final Set<String> removedKeys = new HashSet<>();
    private final Map<String, Object[]> masters = new HashMap<>();
    private final Set<String> deletedMasters = new HashSet<>();

    DedupPreviewIndex(Stored stored, DedupPlanner planner) {
        this.stored = stored;
        this.planner = planner;
    }

    @Override
    public Map<String, Member> members(Collection<String> sourceKeys) {
        Map<String, Member> out = new HashMap<>();
        List<String> rest = new ArrayList<>();
        for (String k : sourceKeys) {
            Member m = links.get(k);
            if (m != null) out.put(k, m);
            else rest.add(k);
        }
        if (!rest.isEmpty()) out.putAll(stored.members(rest));
        return out;
    }

    @Override
    public Map<String, List<Member>> candidates(Collection<String> blockKeys) {
        Map<String, List<Member>> fromStore = stored.candidates(blockKeys);
        Map<String, List<Member>> out = new HashMap<>();
        for (String bk : blockKeys) {
            List<String> filed = addedKeys.get(bk);
            Collection<String> added = filed.size() > 8 ? new HashSet<>(filed) : filed;
            List<Member> list = new ArrayList<>();
            for (Member m : fromStore.getOrDefault(bk, List.of())) {
                // removed, or filed again by the preview (listed below, once)
                if (removedKeys.contains(pair(bk, m.sourceKey())) || added.contains(m.sourceKey())) continue;
                Member mine = links.get(m.sourceKey());
                list.add(mine == null ? m : mine);
            }
            for (String sk : filed) list.add(links.get(sk));
            if (!list.isEmpty()) out.put(bk, list);
        }
        return out;
    }

    @Override
    public Map<String, Object[]> masters(Collection<String> masterKeys) {
        Map<String, Object[]> out = new HashMap<>();
        List<String> rest = new ArrayList<>();
        for (String k : masterKeys) {
            if (deletedMasters.contains(k)) continue;
            Object[] row = masters.get(k);
            if (row != null) out.put(k, row.clone());
            else rest.add(k);
        }
        if (!rest.isEmpty()) out.putAll(stored.masters(rest));
        return out;
    }

    /** What {@code DedupWriter.apply} would write for this plan, in the same order, into the overlay. */
    void apply(DedupPlan plan) {
        if (!plan.remaps().isEmpty()) {
            // UPDATE links SET master_key = new WHERE master_key = old: the stored links of those masters join the
            // overlay first (a link the preview already rewrote keeps its own master)
            for (Member m : stored.linksOf(plan.remaps().keySet()).values()) {
                if (!links.containsKey(m.sourceKey())) putLink(m);
            }
            plan.remaps().forEach((from, to) -> {
                for (String sk : linksByMaster.remove(from)) {
                    Member m = links.get(sk);
                    putLink(new Member(sk, to, m.rowHash(), m.features()));
                }
            });
        }
        for (Object[] row : plan.deleteMasters()) {
            String k = planner.keyOf(row);
            masters.remove(k);
            deletedMasters.add(k);
        }
        for (Object[] row : plan.upsertMasters()) {
            String k = planner.keyOf(row);
            masters.put(k, row);
            deletedMasters.remove(k);
        }
        plan.oldBlockKeys().forEach((sk, bks) -> {
            for (String bk : bks) {
                removedKeys.add(pair(bk, sk));
                addedKeys.remove(bk, sk);
            }
        });
        for (DedupPlan.Link l : plan.links()) {
            putLink(new Member(l.sourceKey(), l.masterKey(), l.rowHash(), l.features()));
            for (String bk : l.blockKeys()) {
                addedKeys.add(bk, l.sourceKey());
                removedKeys.remove(pair(bk, l.sourceKey()));
            }
        }
    }

    private void putLink(Member m) {
        Member old = links.put(m.sourceKey(), m);
        if (old != null) linksByMaster.remove(old.masterKey(), m.sourceKey());
        linksByMaster.add(m.masterKey(), m.sourceKey());
    }

    private static String pair(String blockKey, String sourceKey) {
        return blockKey + '\u0000' + sourceKey;
    }

    /**
     * Sets of strings by key, each held as the one string it usually is, else a list: most blocking keys and
     * masters have one member, and a hash set per key would cost several times the keys themselves.
     */
    static final class SmallSets {
        private final Map<String, Object> map = new HashMap<>();

        /** The set's members (empty when none), a copy. */
        List<String> get(String key) {
            Object v = map.get(key);
            if (v == null) return List.of();
            if (v instanceof String one) return List.of(one);
            @SuppressWarnings("unchecked") List<String> many = (List<String>) v;
            return List.copyOf(many);
        }

        void add(String key, String member) {
            Object v = map.get(key);
            if (v == null) {
                map.put(key, member);
            } else if (v instanceof String one) {
                if (!one.equals(member)) map.put(key, new ArrayList<>(List.of(one, member)));
            } else {
                @SuppressWarnings("unchecked") List<String> many = (List<String>) v;
                if (!many.contains(member)) many.add(member);
            }
        }

        void remove(String key, String member) {
            Object v = map.get(key);
            if (v instanceof String one) {
                if (one.equals(member)) map.remove(key);
            } else if (v != null) {
                @SuppressWarnings("unchecked") List<String> many = (List<String>) v;
                many.remove(member);
                if (many.isEmpty()) map.remove(key);
            }
        }

        /** Removes the set, returning its members. */
        List<String> remove(String key) {
            List<String> out = get(key);
            map.remove(key);
            return out;
        }
    }
}
