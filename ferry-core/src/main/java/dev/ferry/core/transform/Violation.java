package dev.ferry.core.transform;

/**
 * Why a record was skipped: the field, the rule it broke, and the value (as text, shortened).
 *
 * @param rule required, type, pattern, allowed, min, max, minLength, maxLength, or mapping (the expression failed)
 */
public record Violation(String field, String rule, String value, String detail) {
    public String reason() {
        return "field '" + field + "' breaks rule " + rule + (detail.isEmpty() ? "" : " (" + detail + ")")
                + ": value " + (value == null ? "null" : "'" + value + "'");
    }

    static String shorten(Object v) {
        if (v == null) return null;
        String s = Conversion.text(v);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
