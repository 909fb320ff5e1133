package dev.ferry.quality.dedup;

import java.util.List;
import java.util.Map;

/**
 * What one batch changes, to be written in the batch's destination transaction: master rows to upsert and to
 * delete, links to upsert (with their features and blocking keys, which replace the old ones), and masters
 * merged away whose stored links move to the surviving master. {@code oldBlockKeys}: for each updated record, the
 * blocking keys of its stored match values, whose index rows its new ones replace.
 */
public record DedupPlan(List<Object[]> upsertMasters, List<Object[]> deleteMasters, List<Link> links,
                        Map<String, String> remaps, long inserted, long merged, long updated, long unchanged,
                        long mastersRemoved, Map<String, List<String>> oldBlockKeys) {

    /** A source record's lineage: its master, by which rule with which score, its row hash and match features. */
    public record Link(String sourceKey, String masterKey, String rule, double score, long rowHash, String features,
                       List<String> blockKeys) {
    }
}
