package dev.ferry.core;

import dev.ferry.core.transform.Violation;
import dev.ferry.spi.WriteResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-table counters and skip reasons in a run's stats ({@code stats.tables}, {@code stats.skippedByRule}): what this
 * run itself wrote to the primary table and to each derived table. Maps are replaced, never mutated, so a snapshot
 * taken by another thread sees whole values.
 */
final class TableCounters {
    private TableCounters() {
    }

    @SuppressWarnings("unchecked")
    static void add(Map<String, Object> stats, String table, WriteResult r, long deleted) {
        Map<String, Object> tables = new LinkedHashMap<>((Map<String, Object>) stats.getOrDefault("tables", Map.of()));
        Map<String, Object> t = new LinkedHashMap<>((Map<String, Object>) tables.getOrDefault(table, Map.of()));
        t.merge("inserted", r.inserted(), TableCounters::sum);
        t.merge("updated", r.updated(), TableCounters::sum);
        t.merge("unchanged", r.unchanged(), TableCounters::sum);
        t.merge("deleted", deleted, TableCounters::sum);
        tables.put(table, t);
        stats.put("tables", tables);
    }

    @SuppressWarnings("unchecked")
    static void skippedBy(Map<String, Object> stats, Violation v) {
        Map<String, Object> by = new LinkedHashMap<>((Map<String, Object>) stats.getOrDefault("skippedByRule", Map.of()));
        by.merge(v.field() + ": " + v.rule(), 1L, TableCounters::sum);
        stats.put("skippedByRule", by);
    }

    private static Object sum(Object a, Object b) {
        return ((Number) a).longValue() + ((Number) b).longValue();
    }
}
