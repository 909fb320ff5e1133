package dev.ferry.quality.dedup;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the planner reads from the destination, in the batch's transaction: the lineage of source records,
 * the blocking index and the master rows. Each call is one look-up for the whole batch (O(batch), no scan).
 */
public interface DedupIndex {
    /** Links of these source keys (those that have one). */
    Map<String, Member> members(Collection<String> sourceKeys);

    /** Members filed under each of these blocking keys. */
    Map<String, List<Member>> candidates(Collection<String> blockKeys);

    /** Master rows by master key (rows in schema column order). */
    Map<String, Object[]> masters(Collection<String> masterKeys);
}
