package dev.ferry.quality.dedup;

/**
 * Hears each change the planner makes to a master row while it plans a batch, in the order it makes them (a
 * preview's sample changes). Nothing listens during a run.
 */
public interface MasterChanges {
    /**
     * Record {@code sourceKey} changed master {@code masterKey}.
     *
     * @param kind   "inserted" (the record founds the master), "updated" (a linked record changed) or "merged"
     * @param before the master's row just before (null: the record founds it, or the stored master is missing)
     * @param after  the master's row just after
     */
    void changed(String kind, String sourceKey, String masterKey, Object[] before, Object[] after);

    MasterChanges NONE = (kind, sourceKey, masterKey, before, after) -> {
    };
}
