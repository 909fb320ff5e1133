package dev.ferry.quality.dedup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The destination's tables in memory: masters, links and the blocking index; {@link #apply} commits a plan. */
final class MemoryDedupIndex implements DedupIndex {
    final Map<String, Object[]> masters = new TreeMap<>();
    final Map<String, DedupPlan.Link> links = new TreeMap<>();
    final Map<String, List<String>> matchKeys = new HashMap<>(); // block key → source keys
    private final DedupPlanner planner;

    MemoryDedupIndex(DedupPlanner planner) {
        this.planner = planner;
    }

    @Override
    public Map<String, Member> members(Collection<String> sourceKeys) {
        Map<String, Member> out = new HashMap<>();
        for (String k : sourceKeys) {
            DedupPlan.Link l = links.get(k);
            if (l != null) out.put(k, new Member(k, l.masterKey(), l.rowHash(), l.features()));
        }
        return out;
    }

    @Override
    public Map<String, List<Member>> candidates(Collection<String> blockKeys) {
        Map<String, List<Member>> out = new HashMap<>();
        for (String bk : blockKeys) {
            List<Member> ms = new ArrayList<>();
            for (String sk : matchKeys.getOrDefault(bk, List.of())) {
                DedupPlan.Link l = links.get(sk);
                ms.add(new Member(sk, l.masterKey(), l.rowHash(), l.features()));
            }
            if (!ms.isEmpty()) out.put(bk, ms);
        }
        return out;
    }

    @Override
    public Map<String, Object[]> masters(Collection<String> keys) {
        Map<String, Object[]> out = new HashMap<>();
        for (String k : keys) if (masters.containsKey(k)) out.put(k, masters.get(k).clone());
        return out;
    }

    DedupPlan write(List<Object[]> rows) {
        DedupPlan plan = planner.plan(rows, this);
        apply(plan);
        return plan;
    }

    void apply(DedupPlan plan) {
        plan.remaps().forEach((from, to) -> links.replaceAll((k, l) -> l.masterKey().equals(from)
                ? new DedupPlan.Link(l.sourceKey(), to, l.rule(), l.score(), l.rowHash(), l.features(), l.blockKeys()) : l));
        for (Object[] d : plan.deleteMasters()) masters.remove(planner.keyOf(d));
        for (Object[] u : plan.upsertMasters()) masters.put(planner.keyOf(u), u);
        for (DedupPlan.Link l : plan.links()) {
            DedupPlan.Link old = links.put(l.sourceKey(), l);
            if (old != null) old.blockKeys().forEach(bk -> matchKeys.getOrDefault(bk, new ArrayList<>()).remove(l.sourceKey()));
            l.blockKeys().forEach(bk -> matchKeys.computeIfAbsent(bk, k -> new ArrayList<>()).add(l.sourceKey()));
        }
    }
}
