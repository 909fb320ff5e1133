package dev.ferry.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The columns a source delivers, in row order. */
public record Schema(List<Column> columns) {
    public Schema {
        columns = List.copyOf(columns);
    }

    public int size() {
        return columns.size();
    }

    public Column column(int index) {
        return columns.get(index);
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(columns.size());
        for (Column c : columns) names.add(c.name());
        return names;
    }

    /** Index of a column by name, matched case-insensitively (databases disagree on case); -1 if absent. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) return i;
        }
        return -1;
    }

    public Optional<Column> find(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(columns.get(i));
    }

    public int[] indexesOf(List<String> names) {
        int[] idx = new int[names.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = indexOf(names.get(i));
            if (idx[i] < 0) {
                throw new SyncException("column '" + names.get(i) + "' is not in the source; columns are " + names());
            }
        }
        return idx;
    }

    public static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
