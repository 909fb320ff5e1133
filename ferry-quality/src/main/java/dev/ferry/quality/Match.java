package dev.ferry.quality;

/** Two records match by the named rule with this score (1.0 when the rule passed on exact evidence only). */
public record Match(String rule, double score) {
}
