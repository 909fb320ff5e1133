package dev.ferry.core.transform;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.Temporal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** A {@link FieldRule} bound to its position in the output row. */
final class RuleCheck {
    static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "date", "timestamp");

    private final FieldRule rule;
    private final int index;
    private final Set<String> allowed;
    private final BigDecimal minNumber, maxNumber;

    RuleCheck(FieldRule rule, int index) {
        this.rule = rule;
        this.index = index;
        this.allowed = Set.copyOf(rule.allowed());
        this.minNumber = rule.min().flatMap(RuleCheck::number).orElse(null);
        this.maxNumber = rule.max().flatMap(RuleCheck::number).orElse(null);
    }

    static Optional<BigDecimal> number(String s) {
        try {
            return Optional.of(new BigDecimal(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A bound must be a number or an ISO date/timestamp; checked when the sync file is read. */
    static boolean validBound(String s) {
        if (number(s).isPresent()) return true;
        try {
            LocalDate.parse(s);
            return true;
        } catch (RuntimeException e) {
            try {
                LocalDateTime.parse(s);
                return true;
            } catch (RuntimeException e2) {
                return false;
            }
        }
    }

    Violation check(Object[] row) {
        Object v = row[index];
        String f = rule.field();
        if (v == null || (v instanceof String s && s.isBlank())) {
            return rule.required() ? new Violation(f, "required", null, "") : null;
        }
        if (rule.type().isPresent() && !hasType(v, rule.type().get())) {
            return new Violation(f, "type", Violation.shorten(v), "expected " + rule.type().get());
        }
        if (rule.pattern().isPresent() && !(v instanceof String s ? rule.pattern().get().matcher(s).matches()
                : rule.pattern().get().matcher(Conversion.text(v)).matches())) {
            return new Violation(f, "pattern", Violation.shorten(v), rule.pattern().get().pattern());
        }
        if (!allowed.isEmpty() && !allowed.contains(Conversion.text(v))) {
            return new Violation(f, "allowed", Violation.shorten(v), "one of " + rule.allowed());
        }
        if (rule.minLength().isPresent() || rule.maxLength().isPresent()) {
            int len = Conversion.text(v).length();
            if (rule.minLength().isPresent() && len < rule.minLength().get()) {
                return new Violation(f, "minLength", Violation.shorten(v), "at least " + rule.minLength().get() + " characters");
            }
            if (rule.maxLength().isPresent() && len > rule.maxLength().get()) {
                return new Violation(f, "maxLength", Violation.shorten(v), "at most " + rule.maxLength().get() + " characters");
            }
        }
        if (rule.min().isPresent() && compare(v, rule.min().get(), minNumber, true) < 0) {
            return new Violation(f, "min", Violation.shorten(v), "at least " + rule.min().get());
        }
        if (rule.max().isPresent() && compare(v, rule.max().get(), maxNumber, false) > 0) {
            return new Violation(f, "max", Violation.shorten(v), "at most " + rule.max().get());
        }
        return null;
    }

    /** Negative, zero or positive; a value that cannot be compared with the bound counts as outside it. */
    private static int compare(Object v, String bound, BigDecimal boundNumber, boolean lower) {
        try {
            if (v instanceof Temporal t) {
                return switch (t) {
                    case LocalDate d -> d.compareTo(LocalDate.parse(bound.length() > 10 ? bound.substring(0, 10) : bound));
                    case LocalDateTime d -> d.compareTo(bound.length() == 10 ? LocalDate.parse(bound).atStartOfDay() : LocalDateTime.parse(bound));
                    case OffsetDateTime d -> d.toLocalDateTime().compareTo(bound.length() == 10 ? LocalDate.parse(bound).atStartOfDay() : LocalDateTime.parse(bound));
                    default -> Conversion.text(v).compareTo(bound);
                };
            }
            if (boundNumber == null) return Conversion.text(v).compareTo(bound);
            BigDecimal n = v instanceof BigDecimal d ? d : v instanceof Number num
                    ? (v instanceof Double || v instanceof Float ? BigDecimal.valueOf(num.doubleValue()) : BigDecimal.valueOf(num.longValue()))
                    : new BigDecimal(Conversion.text(v).trim());
            return n.compareTo(boundNumber);
        } catch (RuntimeException e) {
            return lower ? -1 : 1;
        }
    }

    static boolean hasType(Object v, String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "string" -> v instanceof String;
            case "integer" -> v instanceof Long || v instanceof Integer || v instanceof Short
                    || (v instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0)
                    || (v instanceof Double d && d == Math.rint(d))
                    || (v instanceof String s && s.trim().matches("[+-]?\\d+"));
            case "number" -> v instanceof Number || (v instanceof String s && number(s).isPresent());
            case "boolean" -> v instanceof Boolean || (v instanceof String s && List.of("true", "false").contains(s.trim().toLowerCase(Locale.ROOT)));
            case "date" -> v instanceof LocalDate || (v instanceof String s && parses(() -> LocalDate.parse(s.trim())));
            case "timestamp" -> v instanceof LocalDateTime || v instanceof OffsetDateTime
                    || (v instanceof String s && parses(() -> LocalDateTime.parse(s.trim().replace(' ', 'T'))));
            default -> true;
        };
    }

    private static boolean parses(Runnable r) {
        try {
            r.run();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Pattern compile(String regex) {
        return Pattern.compile(regex);
    }
}
