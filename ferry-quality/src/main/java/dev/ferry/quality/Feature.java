package dev.ferry.quality;

import java.util.List;

/** One value computed per record: a field, normalised by a chain of normalisers, then encoded by a method. */
public record Feature(String field, List<String> normalize, Method encoding) {
    public Feature {
        normalize = List.copyOf(normalize);
    }

    String describe() {
        return field + (normalize.isEmpty() ? "" : " " + normalize) + (encoding.phonetic() ? " " + encoding.configName() : "");
    }
}
