package dev.ferry.quality;

import java.util.Arrays;

/** A record's features, computed once ({@link RuleSet#prepare}) and compared many times. */
public record Prepared(String[] values) {
    public String value(int feature) {
        return values[feature];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prepared p && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
