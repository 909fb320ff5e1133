package dev.ferry.connectors.http;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SQL an {@code async-query} source sends. Either the user's literal {@code query}, or one built from
 * {@code table}, {@code columns} and {@code where}.
 * <p>
 * Quoting: identifiers (table, columns, where keys, key, cursor) must match {@code [A-Za-z_][A-Za-z0-9_$.]*}; each
 * dot-separated part is double-quoted ({@code lake.orders} → {@code "lake"."orders"}), so case is kept as written.
 * Literals are single-quoted with every {@code '} doubled; numbers and booleans from the sync file are emitted bare,
 * null as {@code IS NULL}. Cursor bounds (the engine's high-water marks) are emitted bare when they look like a number
 * ({@code -?\d+(\.\d+)?}), single-quoted otherwise.
 *
 * @param literal the user's query (trailing ';' removed), when given
 */
record AsyncSql(Optional<String> literal, String table, List<String> columns, Map<String, Object> where,
                List<String> key, Optional<String> cursor) {
    static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.]*");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    static boolean validIdent(String s) {
        return s != null && IDENT.matcher(s).matches() && !s.endsWith(".") && !s.contains("..");
    }

    static String ident(String name) {
        if (!validIdent(name)) throw new IllegalArgumentException("not an identifier: " + name);
        List<String> parts = new ArrayList<>();
        for (String p : name.split("\\.")) parts.add("\"" + p + "\"");
        return String.join(".", parts);
    }

    static String literal(Object v) {
        if (v == null) return "NULL";
        if (v instanceof BigDecimal d) return d.toPlainString();
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v).toUpperCase(java.util.Locale.ROOT);
        return "'" + String.valueOf(v).replace("'", "''") + "'";
    }

    /** A cursor bound: bare when it looks like a number, quoted otherwise. */
    static String bound(String v) {
        return NUMBER.matcher(v).matches() ? v : literal(v);
    }

    /** The rows to read: cursor > from and cursor <= to when given; ordered by key when {@code order}. */
    String select(Optional<String> from, Optional<String> to, boolean order) {
        List<String> conds = new ArrayList<>();
        if (literal.isEmpty()) where.forEach((k, v) -> conds.add(ident(k) + (v == null ? " IS NULL" : " = " + literal(v))));
        cursor.ifPresent(c -> {
            from.ifPresent(f -> conds.add(ident(c) + " > " + bound(f)));
            to.ifPresent(t -> conds.add(ident(c) + " <= " + bound(t)));
        });
        StringBuilder sql = new StringBuilder();
        if (literal.isPresent()) {
            // the user's query is sent as written unless bounds or an order must be added around it
            if (conds.isEmpty() && (!order || key.isEmpty())) return literal.get();
            sql.append("SELECT * FROM (").append(literal.get()).append(") q");
        } else {
            List<String> cols = new ArrayList<>();
            for (String c : columns) cols.add(ident(c));
            sql.append("SELECT ").append(cols.isEmpty() ? "*" : String.join(", ", cols)).append(" FROM ").append(ident(table));
        }
        if (!conds.isEmpty()) sql.append(" WHERE ").append(String.join(" AND ", conds));
        if (order && !key.isEmpty()) {
            List<String> k = new ArrayList<>();
            for (String c : key) k.add(ident(c));
            sql.append(" ORDER BY ").append(String.join(", ", k));
        }
        return sql.toString();
    }

    /** Counts the rows above {@code from} and, with a cursor, takes the cursor's maximum: columns n and m. */
    String count(Optional<String> from) {
        return "SELECT COUNT(*) AS n" + cursor.map(c -> ", MAX(" + ident(c) + ") AS m").orElse("")
                + " FROM (" + select(from, Optional.empty(), false) + ") q";
    }

    /** A few rows to infer the schema from. */
    String sample(int limit) {
        return "SELECT * FROM (" + select(Optional.empty(), Optional.empty(), false) + ") q LIMIT " + limit;
    }
}
