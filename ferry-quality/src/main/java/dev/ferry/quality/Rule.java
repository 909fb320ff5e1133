package dev.ferry.quality;

import java.util.List;

/**
 * A match rule as data: a condition on one field (optionally against another field of the other record,
 * for swapped first/last names), or all/any of nested rules. {@link #score} returns {@link #NO} when the
 * rule fails, {@link #NEUTRAL} when it passes without evidence (a missing value with {@code missing: pass}),
 * else the evidence's score in [0, 1] (min over all, max over any).
 */
public sealed interface Rule {
    double NO = -1;
    double NEUTRAL = 2;

    double score(Prepared a, Prepared b);

    /** Compares feature {@code left} of a with feature {@code right} of b (the same feature unless cross-field). */
    record Condition(int left, int right, String describe, Method method, double threshold, boolean missingPasses) implements Rule {
        @Override
        public double score(Prepared a, Prepared b) {
            String x = a.value(left);
            String y = b.value(right);
            if (x == null || y == null) return missingPasses ? NEUTRAL : NO;
            double s = method.score(x, y);
            return s >= threshold ? s : NO;
        }

        @Override
        public String toString() {
            return describe;
        }
    }

    record All(List<Rule> rules) implements Rule {
        @Override
        public double score(Prepared a, Prepared b) {
            double min = NEUTRAL;
            for (Rule r : rules) {
                double s = r.score(a, b);
                if (s == NO) return NO;
                min = Math.min(min, s);
            }
            return min;
        }

        @Override
        public String toString() {
            return "all" + rules;
        }
    }

    record Any(List<Rule> rules) implements Rule {
        @Override
        public double score(Prepared a, Prepared b) {
            double best = NO;
            boolean neutral = false;
            for (Rule r : rules) {
                double s = r.score(a, b);
                if (s == NEUTRAL) neutral = true;
                else if (s > best) best = s;
            }
            return best != NO ? best : neutral ? NEUTRAL : NO;
        }

        @Override
        public String toString() {
            return "any" + rules;
        }
    }

    /** A top-level rule with the name lineage records. */
    record Named(String name, Rule rule) {
        /** True when no condition compares two different fields: then score(a, b) = score(b, a). */
        public boolean symmetric() {
            return symmetric(rule);
        }

        private static boolean symmetric(Rule r) {
            return switch (r) {
                case Condition c -> c.left() == c.right();
                case All a -> a.rules().stream().allMatch(Named::symmetric);
                case Any a -> a.rules().stream().allMatch(Named::symmetric);
            };
        }
    }
}
