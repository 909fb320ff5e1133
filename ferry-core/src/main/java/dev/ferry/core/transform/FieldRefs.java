package dev.ferry.core.transform;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The source fields a JSONata expression reads at the top level of the record: the first step of each path that is
 * not inside a filter ({@code items[price > 1]}), a {@code .( … )} block or a group-by. Good enough to tell a user at
 * start-up that {@code emial} is not a source column; never used to decide what a record holds.
 */
final class FieldRefs {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "in", "true", "false", "null", "function");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LITERAL = Pattern.compile(
            "\\s*(?:'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null)\\s*");

    private FieldRefs() {
    }

    /** The source field an expression only copies ({@code name} or {@code `first name`}), if that is all it does. */
    static Optional<String> plainField(String expression) {
        String e = expression.trim();
        if (NAME.matcher(e).matches() && !KEYWORDS.contains(e)) return Optional.of(e);
        if (e.length() > 2 && e.startsWith("`") && e.endsWith("`") && e.indexOf('`', 1) == e.length() - 1) {
            return Optional.of(e.substring(1, e.length() - 1));
        }
        return Optional.empty();
    }

    /** True when the expression is one literal (a string, number, boolean or null): evaluated once. */
    static boolean isLiteral(String expression) {
        return LITERAL.matcher(expression).matches();
    }

    static Set<String> roots(String expr) {
        Set<String> out = new LinkedHashSet<>();
        Deque<Boolean> relative = new ArrayDeque<>(); // per open bracket: are names inside relative to a path?
        boolean inRelative = false;
        char prev = 0; // last significant char ('a' after a name or literal)
        int i = 0, n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '/' && i + 1 < n && expr.charAt(i + 1) == '*') { // comment
                int end = expr.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c == '\'' || c == '"') {
                i = skipString(expr, i);
                prev = 'a';
                continue;
            }
            if (c == '`' || Character.isLetter(c) || c == '_' || c == '$') {
                int start = i;
                String name;
                if (c == '`') {
                    int end = expr.indexOf('`', i + 1);
                    if (end < 0) end = n - 1;
                    name = expr.substring(i + 1, end);
                    i = end + 1;
                } else {
                    i++;
                    while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_')) i++;
                    name = expr.substring(start, i);
                }
                boolean variable = name.startsWith("$");
                if (!variable && !KEYWORDS.contains(name) && prev != '.' && !inRelative) out.add(name);
                // an operator word is not a value: a '[' after "in" builds an array, it does not filter
                boolean operator = name.equals("and") || name.equals("or") || name.equals("in");
                prev = operator ? 'o' : variable && i < n && expr.charAt(skipSpace(expr, i)) == '(' ? 'f' : 'a';
                continue;
            }
            if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) i++;
                prev = 'a';
                continue;
            }
            switch (c) {
                case '[', '{' -> {
                    relative.push(inRelative);
                    // after a value it filters or groups that value: names inside are relative to it
                    if (prev == 'a' || prev == ')' || prev == ']' || prev == '}') inRelative = true;
                }
                case '(' -> {
                    relative.push(inRelative);
                    if (prev == '.') inRelative = true;
                }
                case ']', '}', ')' -> inRelative = relative.isEmpty() ? false : relative.pop();
                default -> {
                }
            }
            prev = c;
            i++;
        }
        return out;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() - 1 && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static int skipString(String s, int i) {
        char q = s.charAt(i);
        i++;
        while (i < s.length() && s.charAt(i) != q) {
            if (s.charAt(i) == '\\') i++;
            i++;
        }
        return i + 1;
    }
}
