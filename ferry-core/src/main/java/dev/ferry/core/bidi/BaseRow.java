package dev.ferry.core.bidi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The base of one record: the value of every synchronised field as last written to both sides ({@link Canon} text,
 * null for SQL NULL), in field order. Three-way detection compares each side with it.
 */
public record BaseRow(String key, List<String> values) {
    public BaseRow {
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    public long hash() {
        return Canon.hash(values);
    }
}
