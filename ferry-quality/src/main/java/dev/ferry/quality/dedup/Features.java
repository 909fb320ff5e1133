package dev.ferry.quality.dedup;

import dev.ferry.quality.Prepared;

/** A record's match features as one text value, stored with its link so later batches compare without the row. */
public final class Features {
    private static final char SEP = '\u001f';
    private static final String NULL = "\u0001";

    private Features() {
    }

    public static String encode(Prepared p) {
        StringBuilder sb = new StringBuilder();
        String[] v = p.values();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(SEP);
            sb.append(v[i] == null ? NULL : v[i]);
        }
        return sb.toString();
    }

    public static Prepared decode(String text, int size) {
        String[] v = new String[size];
        int i = 0, from = 0;
        for (int at = 0; at <= text.length() && i < size; at++) {
            if (at == text.length() || text.charAt(at) == SEP) {
                String s = text.substring(from, at);
                v[i++] = s.equals(NULL) ? null : s;
                from = at + 1;
            }
        }
        return new Prepared(v);
    }
}
