package dev.ferry.testkit.contacts;

import dev.ferry.quality.ContactRules;
import dev.ferry.quality.Match;
import dev.ferry.quality.Prepared;
import dev.ferry.quality.RuleSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pairwise precision, recall and F1 of a rule set on generated contacts, with blocking exactly as the engine
 * uses it: records sharing a blocking key are compared, matches are joined transitively into clusters (one
 * master each), and the clusters are scored against the generator's truth over all record pairs.
 * <p>{@code main(records..., --seeds 1,2,3 --mixes clean,crm,messy [--examples N])} prints one line per case.
 */
public final class DedupEvaluation {
    /** A block larger than this is compared only within windows of this many records (a guard, reported). */
    static final int MAX_BLOCK = 2000;

    public record Result(String mix, long seed, int records, long entities, long truePairs, long predictedPairs,
                         long correctPairs, long comparisons, long oversizedBlocks, double seconds, Map<String, Long> byRule) {
        public double precision() {
            return predictedPairs == 0 ? 1.0 : (double) correctPairs / predictedPairs;
        }

        public double recall() {
            return truePairs == 0 ? 1.0 : (double) correctPairs / truePairs;
        }

        public double f1() {
            double p = precision(), r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        public String line() {
            return String.format("%-6s seed %-3d %,10d records %,9d people  precision %.4f  recall %.4f  F1 %.4f  (%,d true pairs, %,d found, %,d comparisons, %.1f s)%s",
                    mix, seed, records, entities, precision(), recall(), f1(), truePairs, predictedPairs, comparisons, seconds,
                    oversizedBlocks > 0 ? " oversized blocks: " + oversizedBlocks : "");
        }
    }

    /** The cluster (a representative record index) of every record: what the masters must be. */
    public static int[] clusters(RuleSet rules, List<GeneratedContact> records) {
        int[][] out = new int[1][];
        evaluate(rules, records, "", 0, 0, parent -> out[0] = parent);
        return out[0];
    }

    public static Result evaluate(RuleSet rules, List<GeneratedContact> records, String mix, long seed, int examples) {
        return evaluate(rules, records, mix, seed, examples, p -> {
        });
    }

    private static Result evaluate(RuleSet rules, List<GeneratedContact> records, String mix, long seed, int examples,
                                   java.util.function.Consumer<int[]> clustersOut) {
        long t0 = System.nanoTime();
        int n = records.size();
        Prepared[] prepared = new Prepared[n];
        long[] packed = new long[n * Math.max(1, rules.blocking().size())];
        int keys = 0;
        for (int i = 0; i < n; i++) {
            GeneratedContact c = records.get(i);
            prepared[i] = rules.prepare(c::field);
            for (String k : rules.blockingKeys(prepared[i])) {
                packed[keys++] = (hash64(k) & ~0x3FFFFFL) | i; // 42-bit key hash + 22-bit record index
            }
        }
        if (n > 0x3FFFFF) throw new IllegalArgumentException("at most 4M records");
        Arrays.sort(packed, 0, keys);
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        long comparisons = 0, oversized = 0;
        Map<String, Long> byRule = new TreeMap<>();
        List<String> falsePositives = new ArrayList<>();
        int start = 0;
        while (start < keys) {
            long block = packed[start] & ~0x3FFFFFL;
            int end = start + 1;
            while (end < keys && (packed[end] & ~0x3FFFFFL) == block) end++;
            int size = end - start;
            if (size > MAX_BLOCK) oversized++;
            for (int a = start; a < end; a++) {
                int i = (int) (packed[a] & 0x3FFFFF);
                for (int b = a + 1; b < end && b - a <= MAX_BLOCK; b++) {
                    int j = (int) (packed[b] & 0x3FFFFF);
                    if (find(parent, i) == find(parent, j)) continue;
                    comparisons++;
                    Optional<Match> m = rules.match(prepared[i], prepared[j]);
                    if (m.isPresent()) {
                        byRule.merge(m.get().rule(), 1L, Long::sum);
                        if (records.get(i).entity() != records.get(j).entity()) byRule.merge("wrong:" + m.get().rule(), 1L, Long::sum);
                        if (falsePositives.size() < examples && records.get(i).entity() != records.get(j).entity()) {
                            falsePositives.add("FP " + m.get() + "\n   " + records.get(i) + "\n   " + records.get(j));
                        }
                        parent[find(parent, i)] = find(parent, j);
                    }
                }
            }
            start = end;
        }
        int[] rep = new int[n];
        for (int i = 0; i < n; i++) rep[i] = find(parent, i);
        clustersOut.accept(rep);
        Map<Long, Integer> clusters = new HashMap<>();
        Map<Long, Integer> entities = new HashMap<>();
        Map<Long, Integer> both = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long cl = find(parent, i);
            long e = records.get(i).entity();
            clusters.merge(cl, 1, Integer::sum);
            entities.merge(e, 1, Integer::sum);
            both.merge((e << 22) | cl, 1, Integer::sum);
        }
        long predicted = pairs(clusters), truth = pairs(entities), correct = pairs(both);
        if (examples > 0) {
            falsePositives.forEach(System.out::println);
            printFalseNegatives(rules, records, prepared, parent, examples);
        }
        return new Result(mix, seed, n, entities.size(), truth, predicted, correct, comparisons, oversized,
                (System.nanoTime() - t0) / 1e9, byRule);
    }

    private static void printFalseNegatives(RuleSet rules, List<GeneratedContact> records, Prepared[] prepared, int[] parent, int examples) {
        Map<Long, Integer> firstOf = new HashMap<>();
        int shown = 0;
        for (int i = 0; i < records.size() && shown < examples; i++) {
            Integer j = firstOf.putIfAbsent(records.get(i).entity(), i);
            if (j != null && find(parent, i) != find(parent, j)) {
                System.out.println("FN " + rules.explain(prepared[j], prepared[i]) + "\n   " + records.get(j) + "\n   " + records.get(i));
                shown++;
            }
        }
    }

    private static long pairs(Map<Long, Integer> sizes) {
        long p = 0;
        for (int s : sizes.values()) p += (long) s * (s - 1) / 2;
        return p;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** FNV-1a 64 with a final mix: a stable 64-bit hash of a blocking key. */
    static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    public static void main(String[] args) {
        List<Integer> sizes = new ArrayList<>();
        List<Long> seeds = List.of(1L, 2L, 3L);
        List<ContactMix> mixes = ContactMix.ALL;
        int examples = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--mixes" -> mixes = Arrays.stream(args[++i].split(","))
                        .map(m -> ContactMix.named(m).orElseThrow(() -> new IllegalArgumentException("unknown mix " + m))).toList();
                case "--examples" -> examples = Integer.parseInt(args[++i]);
                default -> sizes.add(Integer.parseInt(args[i].replace("_", "").replace("k", "000").replace("M", "000000")));
            }
        }
        if (sizes.isEmpty()) sizes = List.of(10_000, 100_000);
        RuleSet rules = ContactRules.defaults();
        for (int size : sizes) {
            for (ContactMix mix : mixes) {
                for (long seed : seeds) {
                    List<GeneratedContact> records = ContactGenerator.generate(seed, mix, size);
                    Result r = evaluate(rules, records, mix.name(), seed, examples);
                    System.out.println(r.line() + " " + r.byRule());
                }
            }
        }
    }
}
