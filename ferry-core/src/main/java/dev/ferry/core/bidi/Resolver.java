package dev.ferry.core.bidi;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The three-way decision for one record, as pure data: given the base and what each side holds now, what each side
 * must be written, what the new base is, and which conflicts to record. Values are {@link Canon} texts.
 */
public final class Resolver {
    private final List<String> fields;
    private final BidiJob.ConflictPolicy policy;
    private final BidiJob.DeletionRule deletions;
    private final String syncName;

    public Resolver(String syncName, List<String> fields, BidiJob.ConflictPolicy policy, BidiJob.DeletionRule deletions) {
        this.syncName = syncName;
        this.fields = List.copyOf(fields);
        this.policy = policy;
        this.deletions = deletions;
    }

    /**
     * What one side holds for the record now.
     *
     * @param values   field values (null list: the side does not have the record)
     * @param deleted  the side was read whole and the record was not there (only meaningful with a base)
     * @param modified the row's modification time or change counter (newest_wins), normalised to compare
     */
    public record SideState(List<String> values, boolean deleted, Optional<Comparable<?>> modified) {
        public SideState {
            modified = modified == null ? Optional.empty() : modified;
        }

        public static SideState of(List<String> values) {
            return new SideState(values, false, Optional.empty());
        }

        public static SideState absent(boolean deleted) {
            return new SideState(null, deleted, Optional.empty());
        }

        boolean present() {
            return values != null;
        }
    }

    /**
     * @param writeA   the values to write to a (empty: a needs nothing)
     * @param deleteA  delete the record on a
     * @param base     the new base (empty with {@code dropBase}: forget the record; empty otherwise: unchanged)
     * @param deleted  the record was deleted on a side (handled by the rule, or reported)
     */
    public record Decision(Optional<List<String>> writeA, Optional<List<String>> writeB, boolean deleteA, boolean deleteB,
                           Optional<BaseRow> base, boolean dropBase, List<Conflict> conflicts, int autoResolved,
                           int pendingManual, boolean deleted) {
        public boolean changesNothing() {
            return writeA.isEmpty() && writeB.isEmpty() && !deleteA && !deleteB && base.isEmpty() && !dropBase && conflicts.isEmpty() && !deleted;
        }
    }

    public Decision decide(String key, Optional<BaseRow> base, SideState a, SideState b, Map<String, Conflict> open,
                           String runId, Instant now) {
        if (base.isEmpty()) {
            if (a.present() && b.present()) return threeWay(key, null, a, b, open, runId, now);
            if (a.present()) return new Decision(Optional.empty(), Optional.of(a.values()), false, false,
                    Optional.of(new BaseRow(key, a.values())), false, List.of(), 0, 0, false);
            if (b.present()) return new Decision(Optional.of(b.values()), Optional.empty(), false, false,
                    Optional.of(new BaseRow(key, b.values())), false, List.of(), 0, 0, false);
            return none();
        }
        List<String> was = base.get().values();
        boolean aGone = !a.present(), bGone = !b.present();
        // a decision journalled by a crashed run is overtaken by a deletion since: closed, nothing of it is written
        List<Conflict> overtaken = closeDecided(open, now);
        if (aGone && bGone) {
            return new Decision(Optional.empty(), Optional.empty(), false, false, Optional.empty(), true, overtaken, 0, 0, true);
        }
        if (aGone || bGone) {
            SideState kept = aGone ? b : a;
            boolean editedSinceBase = !kept.values().equals(was);
            Optional<List<String>> restore = Optional.of(kept.values());
            Optional<BaseRow> keptBase = Optional.of(new BaseRow(key, kept.values()));
            return switch (deletions) {
                case REPORT -> new Decision(Optional.empty(), Optional.empty(), false, false, Optional.empty(), false, overtaken, 0, 0, true);
                case RESTORE -> new Decision(aGone ? restore : Optional.empty(), bGone ? restore : Optional.empty(), false, false,
                        keptBase, false, overtaken, 0, 0, true);
                // an edit on the other side since the base beats the deletion: the record comes back
                case PROPAGATE -> editedSinceBase
                        ? new Decision(aGone ? restore : Optional.empty(), bGone ? restore : Optional.empty(), false, false,
                        keptBase, false, overtaken, 0, 0, true)
                        : new Decision(Optional.empty(), Optional.empty(), bGone, aGone, Optional.empty(), true, overtaken, 0, 0, true);
            };
        }
        return threeWay(key, was, a, b, open, runId, now);
    }

    private static Decision none() {
        return new Decision(Optional.empty(), Optional.empty(), false, false, Optional.empty(), false, List.of(), 0, 0, false);
    }

    private Decision threeWay(String key, List<String> was, SideState a, SideState b, Map<String, Conflict> open,
                              String runId, Instant now) {
        int n = fields.size();
        List<String> newA = new ArrayList<>(a.values()), newB = new ArrayList<>(b.values());
        List<String> newBase = new ArrayList<>(n);
        List<Conflict> conflicts = new ArrayList<>();
        int auto = 0, pending = 0;
        for (int i = 0; i < n; i++) {
            String field = fields.get(i);
            String bv0 = was == null ? null : was.get(i);
            boolean fieldBase = was != null;
            String av = a.values().get(i), bv = b.values().get(i);
            Conflict existing = open.get(field);
            if (existing != null && existing.awaitingApply()) {
                // a person's decision is written to both sides, whatever changed since
                String v = existing.resolution().orElse(null);
                newA.set(i, v);
                newB.set(i, v);
                newBase.add(v);
                conflicts.add(with(existing, Conflict.Status.APPLIED, existing.resolution(), existing.resolvedBy(), now));
                continue;
            }
            if (existing != null && existing.status() == Conflict.Status.DECIDED) {
                if (journalHolds(existing, bv0, av, bv)) {
                    // decided by a run that crashed before its base was committed: its decision stands, whichever
                    // sides it reached (deciding again would see its own write as a new edit)
                    String v = existing.resolution().orElse(null);
                    newA.set(i, v);
                    newB.set(i, v);
                    newBase.add(v);
                    conflicts.add(existing);
                    continue;
                }
                // edited again since that decision was journalled: it is closed, and the field decided afresh; a side
                // that holds the decided value got it from that run, so that value is the field's base for the new
                // decision (the edit made since is then a one-sided change, not a conflict with our own write)
                conflicts.add(with(existing, Conflict.Status.APPLIED, existing.resolution(), existing.resolvedBy(), now));
                String decided = existing.resolution().orElse(null);
                if (Objects.equals(av, decided) || Objects.equals(bv, decided)) {
                    bv0 = decided;
                    fieldBase = true;
                }
                existing = null;
            }
            boolean ca = !fieldBase || !Objects.equals(av, bv0);
            boolean cb = !fieldBase || !Objects.equals(bv, bv0);
            String v;
            if (!ca && !cb) v = bv0;
            else if (ca && !cb) v = av;
            else if (!ca) v = bv;
            else if (Objects.equals(av, bv)) v = av;
            else {
                BidiJob.Strategy s = policy.strategyFor(field);
                if (s == BidiJob.Strategy.MANUAL) {
                    // the field waits for a person: each side keeps its value, the base stays
                    newBase.add(bv0);
                    pending++;
                    long id = existing != null ? existing.id() : 0;
                    conflicts.add(new Conflict(id, syncName, runId, key, field, Optional.ofNullable(bv0), Optional.ofNullable(av),
                            Optional.ofNullable(bv), s.label(), Conflict.Status.PENDING, Optional.empty(), Optional.empty(),
                            existing != null ? existing.detectedAt() : now, Optional.empty()));
                    continue;
                }
                v = resolve(s, field, bv0, av, bv, a, b);
                auto++;
                // journalled as DECIDED before either side is written; APPLIED once the base is committed
                conflicts.add(new Conflict(0, syncName, runId, key, field, Optional.ofNullable(bv0), Optional.ofNullable(av),
                        Optional.ofNullable(bv), s.label(), Conflict.Status.DECIDED, Optional.ofNullable(v),
                        Optional.of("rule:" + s.label()), now, Optional.of(now)));
            }
            if (existing != null && existing.status() == Conflict.Status.PENDING) {
                // no longer a conflict (a side took the other's value, or reverted): nobody needs to decide
                conflicts.add(with(existing, Conflict.Status.APPLIED, Optional.ofNullable(v), Optional.of("rule:converged"), now));
            }
            newA.set(i, v);
            newB.set(i, v);
            newBase.add(v);
        }
        Optional<List<String>> writeA = newA.equals(a.values()) ? Optional.empty() : Optional.of(newA);
        Optional<List<String>> writeB = newB.equals(b.values()) ? Optional.empty() : Optional.of(newB);
        Optional<BaseRow> base = newBase.equals(was) ? Optional.empty() : Optional.of(new BaseRow(key, newBase));
        return new Decision(writeA, writeB, false, false, base, false, conflicts, auto, pending, false);
    }

    private static List<Conflict> closeDecided(Map<String, Conflict> open, Instant now) {
        List<Conflict> out = new ArrayList<>();
        for (Conflict c : open.values()) {
            if (c.status() == Conflict.Status.DECIDED) out.add(with(c, Conflict.Status.APPLIED, c.resolution(), c.resolvedBy(), now));
        }
        return out;
    }

    /**
     * A journalled decision still applies when the base is the one it was decided on and each side holds either what
     * it held then or the decided value (the write reached it, or not yet).
     */
    static boolean journalHolds(Conflict decided, String base, String av, String bv) {
        String v = decided.resolution().orElse(null);
        return Objects.equals(decided.base().orElse(null), base)
                && (Objects.equals(av, decided.aValue().orElse(null)) || Objects.equals(av, v))
                && (Objects.equals(bv, decided.bValue().orElse(null)) || Objects.equals(bv, v));
    }

    private static Conflict with(Conflict c, Conflict.Status status, Optional<String> resolution, Optional<String> by, Instant now) {
        return new Conflict(c.id(), c.syncName(), c.runId(), c.key(), c.field(), c.base(), c.aValue(), c.bValue(), c.strategy(),
                status, resolution, by, c.detectedAt(), Optional.of(now));
    }

    /** The value both sides get under a strategy (not manual). */
    String resolve(BidiJob.Strategy s, String field, String base, String av, String bv, SideState a, SideState b) {
        return switch (s) {
            case A_WINS -> av;
            case B_WINS -> bv;
            case FIELD_OWNER -> "a".equals(policy.ownerOf(field)) ? av : bv;
            case NEWEST_WINS -> newer(a, b) ? av : bv;
            case MERGE -> merge(field, base, av, bv);
            case MANUAL -> throw new IllegalStateException("manual conflicts are queued, not resolved");
        };
    }

    /** True when a's row is newer (ties, or a missing time on both, go to the named side). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean newer(SideState a, SideState b) {
        if (a.modified().isPresent() && b.modified().isPresent()) {
            int c;
            try {
                c = ((Comparable) a.modified().get()).compareTo(b.modified().get());
            } catch (ClassCastException e) {
                c = a.modified().get().toString().compareTo(b.modified().get().toString());
            }
            if (c != 0) return c > 0;
        } else if (a.modified().isPresent() != b.modified().isPresent()) {
            return a.modified().isPresent(); // a time beats no time
        }
        return "a".equals(policy.ties());
    }

    /** merge: a non-empty value beats an empty one; sets are united three-way; numbers and text by the stated rule. */
    String merge(String field, String base, String av, String bv) {
        if (av == null || av.isEmpty()) return bv;
        if (bv == null || bv.isEmpty()) return av;
        if (policy.isSet(field)) return unite(base, av, bv);
        BigDecimal x = number(av), y = number(bv);
        if (x != null && y != null) {
            BigDecimal r = switch (policy.numbers()) {
                case MAX -> x.max(y);
                case MIN -> x.min(y);
                case SUM_OF_CHANGES -> {
                    BigDecimal z = base == null ? BigDecimal.ZERO : Optional.ofNullable(number(base)).orElse(BigDecimal.ZERO);
                    yield x.add(y).subtract(z);
                }
            };
            return Canon.of(r);
        }
        return switch (policy.text()) {
            case LONGEST -> bv.length() > av.length() ? bv : av;
            case CONCAT -> concat(av, bv);
            case A -> av;
            case B -> bv;
        };
    }

    /**
     * a's text, " | ", then b's parts that a does not hold yet. Merging a value with a merge that already holds it
     * gives that merge again — as after a crash between writing one side and the other, when the next run sees the
     * side that got the merged text as edited again.
     */
    static String concat(String av, String bv) {
        List<String> a = List.of(av.split(" \\| ", -1)), b = List.of(bv.split(" \\| ", -1));
        if (b.containsAll(a)) return bv; // b holds a already (e.g. it is an earlier merge of both)
        List<String> out = new java.util.ArrayList<>(a);
        for (String part : b) if (!out.contains(part)) out.add(part);
        return String.join(" | ", out);
    }

    /** Items of the base both sides kept, then those either side added; in a's order, then b's. */
    static String unite(String base, String av, String bv) {
        Set<String> was = items(base), a = items(av), b = items(bv);
        Set<String> out = new LinkedHashSet<>();
        for (String x : a) if (!was.contains(x) || b.contains(x)) out.add(x);
        for (String x : b) if (!was.contains(x) || a.contains(x)) out.add(x);
        return String.join(",", out);
    }

    private static Set<String> items(String s) {
        Set<String> out = new LinkedHashSet<>();
        if (s == null) return out;
        for (String x : s.split(",")) if (!x.isBlank()) out.add(x.trim());
        return out;
    }

    private static BigDecimal number(String s) {
        if (s == null || s.isEmpty() || s.length() > 60) return null;
        char c = s.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) return null;
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
