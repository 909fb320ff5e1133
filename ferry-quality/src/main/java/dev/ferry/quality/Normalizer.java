package dev.ferry.quality;

/** Turns a raw field value into a comparison key; returns null when nothing comparable is left (missing). */
@FunctionalInterface
public interface Normalizer {
    String apply(String value);
}
