package dev.ferry.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Says, in plain lines, why two records match or not under a rule set: each feature's normalised values, the
 * blocking keys they share (records that share none are never compared), and every rule's conditions with the
 * values compared, the score and the threshold. What {@code ferry explain-match} prints.
 */
public final class MatchExplainer {
    private final RuleSet rules;

    public MatchExplainer(RuleSet rules) {
        this.rules = rules;
    }

    public List<String> explain(String nameA, Prepared a, String nameB, Prepared b) {
        List<String> out = new ArrayList<>();
        out.add("normalised values (" + nameA + " | " + nameB + "):");
        List<Feature> features = rules.features();
        int width = 0;
        for (Feature f : features) width = Math.max(width, f.describe().length());
        for (int i = 0; i < features.size(); i++) {
            out.add(String.format(Locale.ROOT, "  %-" + width + "s  %s | %s", features.get(i).describe(), show(a.value(i)), show(b.value(i))));
        }
        List<String> shared = new ArrayList<>(rules.blockingKeys(a));
        shared.retainAll(rules.blockingKeys(b));
        out.add(shared.isEmpty() ? "blocking keys shared: none, so the two are never compared (whatever the rules say)"
                : "blocking keys shared: " + String.join(", ", shared));
        out.add("rules (in order, each tried both ways round; the first that passes names the match):");
        for (Rule.Named named : rules.rules()) {
            double s = evidence(named.rule().score(a, b));
            boolean reversed = false;
            if (!named.symmetric()) {
                double back = evidence(named.rule().score(b, a));
                if (back > s) {
                    s = back;
                    reversed = true;
                }
            }
            out.add("  " + named.name() + ": " + (s < 0 ? "no" : String.format(Locale.ROOT, "MATCH %.3f", s))
                    + (reversed ? " (" + nameB + " against " + nameA + ")" : ""));
            if (reversed) describe(named.rule(), b, a, "    ", out);
            else describe(named.rule(), a, b, "    ", out);
        }
        Optional<Match> m = rules.match(a, b);
        out.add("verdict: " + m.map(x -> String.format(Locale.ROOT, "match by rule %s (score %.3f)", x.rule(), x.score()))
                .orElse("no rule matches") + (shared.isEmpty() && m.isPresent() ? ", but they share no blocking key" : ""));
        return out;
    }

    private void describe(Rule rule, Prepared a, Prepared b, String indent, List<String> out) {
        switch (rule) {
            case Rule.Condition c -> {
                String x = a.value(c.left()), y = b.value(c.right());
                String verdict;
                if (x == null || y == null) {
                    verdict = "missing -> " + (c.missingPasses() ? "passes (no evidence)" : "fails");
                } else {
                    double s = c.method().score(x, y);
                    verdict = String.format(Locale.ROOT, "score %.3f %s %s -> %s", s, s >= c.threshold() ? ">=" : "<",
                            c.threshold() < 1 ? String.format(Locale.ROOT, "%.2f", c.threshold()) : "1 (exact)",
                            s >= c.threshold() ? "passes" : "fails");
                }
                out.add(indent + c.describe() + ": " + show(x) + " vs " + show(y) + ": " + verdict);
            }
            case Rule.All all -> {
                out.add(indent + "all of: " + verdict(all, a, b));
                for (Rule r : all.rules()) describe(r, a, b, indent + "  ", out);
            }
            case Rule.Any any -> {
                out.add(indent + "any of: " + verdict(any, a, b));
                for (Rule r : any.rules()) describe(r, a, b, indent + "  ", out);
            }
        }
    }

    private static String verdict(Rule r, Prepared a, Prepared b) {
        double s = r.score(a, b);
        return s == Rule.NO ? "fails" : s == Rule.NEUTRAL ? "passes (no evidence)" : String.format(Locale.ROOT, "passes %.3f", s);
    }

    private static double evidence(double score) {
        return score == Rule.NEUTRAL ? Rule.NO : score;
    }

    private static String show(String v) {
        return v == null ? "(missing)" : "'" + v + "'";
    }
}
