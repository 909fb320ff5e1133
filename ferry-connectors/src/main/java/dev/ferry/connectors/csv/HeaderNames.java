package dev.ferry.connectors.csv;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns CSV header cells into column names. Header names become database column names, so they are
 * normalized to lower_snake_case identifiers ([a-z0-9_], not starting with a digit): "Order ID" → order_id,
 * "Café" → cafe, "2024 Sales" → col_2024_sales. A blank header cell at position n (1-based) becomes "coln";
 * a repeated name gets a suffix: name, name_2, name_3.
 */
final class HeaderNames {
    private HeaderNames() {
    }

    /** One header cell as a column name; blank (after normalizing) gives "" so the caller can number it. */
    static String normalize(String raw) {
        if (raw == null) return "";
        // strip accents first so "Café" keeps its letters instead of turning into "caf_"
        String s = Normalizer.normalize(raw.strip(), Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        // split camelCase so "createdAt" reads like "created_at", as users expect of a database name
        s = s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        s = s.replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (!s.isEmpty() && Character.isDigit(s.charAt(0))) s = "col_" + s;
        return s;
    }

    /** Column names for a header row: normalized, blanks numbered, duplicates suffixed. */
    static List<String> columnNames(List<String> headerCells) {
        List<String> names = new ArrayList<>(headerCells.size());
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < headerCells.size(); i++) {
            String base = normalize(headerCells.get(i));
            if (base.isEmpty()) base = "col" + (i + 1);
            String name = base;
            for (int n = 2; taken.contains(name); n++) name = base + "_" + n;
            taken.add(name);
            names.add(name);
        }
        return names;
    }

    /** Names for a file without a header: col1..colN. */
    static List<String> numbered(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) names.add("col" + i);
        return names;
    }
}
