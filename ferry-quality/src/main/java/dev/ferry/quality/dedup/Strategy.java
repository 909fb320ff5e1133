package dev.ferry.quality.dedup;

import java.util.Locale;
import java.util.Optional;

/** How a record folded into a master changes the master's row. Key columns always stay the master's. */
public enum Strategy {
    /** The master's row is the base; the newer record's non-empty values win. */
    MERGE_FIELDS,
    /** The first record wins; later ones only add lineage. */
    KEEP_FIRST,
    /** The row with more non-empty fields wins; ties go to the newer one. */
    KEEP_MOST_COMPLETE;

    public static Optional<Strategy> parse(String s) {
        try {
            return Optional.of(valueOf(s.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The master's new row after folding {@code incoming} into {@code base} (neither is changed). */
    public Object[] apply(Object[] base, Object[] incoming, int[] keyIndexes) {
        Object[] out = base.clone();
        switch (this) {
            case KEEP_FIRST -> {
            }
            case MERGE_FIELDS -> {
                for (int i = 0; i < out.length; i++) {
                    if (!isKey(i, keyIndexes) && !empty(incoming[i])) out[i] = incoming[i];
                }
            }
            case KEEP_MOST_COMPLETE -> {
                if (filled(incoming) >= filled(base)) {
                    for (int i = 0; i < out.length; i++) if (!isKey(i, keyIndexes)) out[i] = incoming[i];
                }
            }
        }
        return out;
    }

    static boolean empty(Object v) {
        return v == null || (v instanceof CharSequence s && s.toString().isBlank());
    }

    private static int filled(Object[] row) {
        int n = 0;
        for (Object v : row) if (!empty(v)) n++;
        return n;
    }

    private static boolean isKey(int i, int[] keys) {
        for (int k : keys) if (k == i) return true;
        return false;
    }
}
