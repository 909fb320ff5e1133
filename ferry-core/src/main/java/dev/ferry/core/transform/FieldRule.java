package dev.ferry.core.transform;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validation rules of one output field. A record breaking any of them is skipped (never written) and kept as a
 * dead letter of category {@code skipped} naming the field, the rule and the value.
 *
 * @param type   the value must be (or, for text, read as) this: string, integer, number, boolean, date, timestamp
 * @param min    inclusive lower bound: a number, or an ISO date/timestamp for date fields
 * @param max    inclusive upper bound, like {@code min}
 */
public record FieldRule(String field, boolean required, Optional<String> type, Optional<Pattern> pattern,
                        List<String> allowed, Optional<String> min, Optional<String> max,
                        Optional<Integer> minLength, Optional<Integer> maxLength) {
    public FieldRule {
        allowed = List.copyOf(allowed);
    }
}
