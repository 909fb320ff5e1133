package dev.ferry.core.transform;

import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSONata expressions mappings use most, compiled to plain Java so a record needs no JSONata evaluation (which
 * costs ~2 µs per call even for a bare path): joins of text fields and literals ({@code first & ' ' & last}),
 * {@code $uppercase}, {@code $lowercase}, {@code $trim}, {@code $substringBefore}/{@code $substringAfter} with a
 * literal separator, and {@code $lookup($table, field)} on an inline lookup table. Only text source columns qualify
 * (number formatting stays JSONata's). Anything else returns empty and is left to JSONata; results are the same as
 * JSONata's, including for absent (NULL) values (a unit test compares both on many records).
 */
final class FastExpr {
    /** Evaluates against a source row. */
    interface Eval {
        Object apply(Object[] row);
    }

    private final String s;
    private final Schema source;
    private final Map<String, Object> lookups;
    private int pos;

    private FastExpr(String s, Schema source, Map<String, Object> lookups) {
        this.s = s;
        this.source = source;
        this.lookups = lookups;
    }

    static Optional<Eval> compile(String expression, Schema source, Map<String, Object> lookups) {
        FastExpr p = new FastExpr(expression, source, lookups);
        try {
            Eval e = p.concat();
            p.space();
            return p.pos == p.s.length() ? Optional.ofNullable(e) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** term ('&' term)* — JSONata's '&' turns an absent operand into "" and always yields text. */
    private Eval concat() {
        Eval first = term();
        if (first == null) return null;
        List<Eval> parts = new ArrayList<>(List.of(first));
        while (true) {
            space();
            if (pos < s.length() && s.charAt(pos) == '&') {
                pos++;
                Eval next = term();
                if (next == null) return null;
                parts.add(next);
            } else {
                break;
            }
        }
        if (parts.size() == 1) return first;
        Eval[] ps = parts.toArray(Eval[]::new);
        return row -> {
            StringBuilder sb = new StringBuilder(32);
            for (Eval p : ps) {
                Object v = p.apply(row);
                if (v != null) sb.append((String) v);
            }
            return sb.toString();
        };
    }

    private Eval term() {
        space();
        if (pos >= s.length()) return null;
        char c = s.charAt(pos);
        if (c == '\'' || c == '"') {
            String lit = string();
            return row -> lit;
        }
        if (c == '$') {
            int start = ++pos;
            while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) pos++;
            String fn = s.substring(start, pos);
            space();
            if (pos >= s.length() || s.charAt(pos) != '(') return null;
            pos++;
            return call(fn);
        }
        if (Character.isLetter(c) || c == '_' || c == '`') return field();
        return null;
    }

    private Eval field() {
        String name;
        if (s.charAt(pos) == '`') {
            int end = s.indexOf('`', pos + 1);
            if (end < 0) return null;
            name = s.substring(pos + 1, end);
            pos = end + 1;
        } else {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
            name = s.substring(start, pos);
            if (name.equals("true") || name.equals("false") || name.equals("null") || name.equals("and")
                    || name.equals("or") || name.equals("in")) return null;
        }
        space();
        if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == '[' || s.charAt(pos) == '(')) return null;
        int idx = source.names().indexOf(name); // case-sensitive, as JSONata
        if (idx < 0) return null;
        ColumnType t = source.column(idx).type();
        if (t != ColumnType.STRING && t != ColumnType.TEXT) return null;
        return row -> row[idx];
    }

    private Eval call(String fn) {
        Eval result = switch (fn) {
            case "uppercase", "lowercase", "trim" -> {
                Eval arg = concat();
                if (arg == null || !close()) yield null;
                yield switch (fn) {
                    case "uppercase" -> row -> arg.apply(row) instanceof String v ? v.toUpperCase(Locale.ROOT) : null;
                    case "lowercase" -> row -> arg.apply(row) instanceof String v ? v.toLowerCase(Locale.ROOT) : null;
                    default -> row -> arg.apply(row) instanceof String v ? trim(v) : null;
                };
            }
            case "substringBefore", "substringAfter" -> {
                Eval arg = concat();
                if (arg == null || !comma()) yield null;
                space();
                if (pos >= s.length() || (s.charAt(pos) != '\'' && s.charAt(pos) != '"')) yield null;
                String sep = string();
                if (!close() || sep.isEmpty()) yield null;
                boolean before = fn.equals("substringBefore");
                yield row -> {
                    if (!(arg.apply(row) instanceof String v)) return null;
                    int i = v.indexOf(sep);
                    if (i < 0) return v;
                    return before ? v.substring(0, i) : v.substring(i + sep.length());
                };
            }
            case "lookup" -> {
                space();
                if (pos >= s.length() || s.charAt(pos) != '$') yield null;
                int start = ++pos;
                while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
                Object table = lookups.get(s.substring(start, pos));
                if (!(table instanceof Map<?, ?> m) || !comma()) yield null;
                Eval key = concat();
                if (key == null || !close()) yield null;
                yield row -> key.apply(row) instanceof String k ? jsonValue(m.get(k)) : null;
            }
            default -> null;
        };
        return result;
    }

    /** What JSONata hands back for a lookup value read from YAML (numbers as it would produce them). */
    private static Object jsonValue(Object v) {
        if (v instanceof Integer i) return i.longValue() == i ? (Object) i : i;
        return v;
    }

    /** JSONata's $trim: whitespace runs become one space, then leading/trailing spaces go. */
    private static String trim(String v) {
        String t = v.replaceAll("[ \\t\\n\\r]+", " ");
        int from = t.startsWith(" ") ? 1 : 0, to = t.endsWith(" ") && t.length() > from ? t.length() - 1 : t.length();
        return t.substring(from, Math.max(from, to));
    }

    private boolean comma() {
        space();
        if (pos < s.length() && s.charAt(pos) == ',') {
            pos++;
            return true;
        }
        return false;
    }

    private boolean close() {
        space();
        if (pos < s.length() && s.charAt(pos) == ')') {
            pos++;
            return true;
        }
        return false;
    }

    private String string() {
        char q = s.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < s.length() && s.charAt(pos) != q) {
            char c = s.charAt(pos++);
            if (c == '\\') throw new IllegalArgumentException("escapes: leave to JSONata");
            sb.append(c);
        }
        if (pos >= s.length()) throw new IllegalArgumentException("unterminated");
        pos++;
        return sb.toString();
    }

    private void space() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }
}
