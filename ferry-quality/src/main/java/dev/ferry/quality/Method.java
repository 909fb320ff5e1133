package dev.ferry.quality;

import org.apache.commons.codec.language.DoubleMetaphone;
import org.apache.commons.codec.language.Soundex;
import org.apache.commons.codec.language.bm.NameType;
import org.apache.commons.codec.language.bm.PhoneticEngine;
import org.apache.commons.codec.language.bm.RuleType;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.apache.commons.text.similarity.LevenshteinDistance;

import java.util.Locale;
import java.util.Optional;

/**
 * How two normalised values are compared. Exact and the two edit similarities score in [0, 1]; the phonetic
 * methods compare codes (computed once per record by {@link #encode}) and score 1 or 0.
 */
public enum Method {
    EXACT, JARO_WINKLER, LEVENSHTEIN, DOUBLE_METAPHONE, SOUNDEX, BEIDER_MORSE,
    /** One value starts with the other, of at least 3 characters (kim ~ kimberly, chris ~ christopher). */
    PREFIX,
    /** One value is a single letter, the other's initial (j ~ james); or both are equal. */
    INITIAL;

    private static final JaroWinklerSimilarity JW = new JaroWinklerSimilarity();
    private static final LevenshteinDistance LEV = LevenshteinDistance.getDefaultInstance();
    private static final ThreadLocal<DoubleMetaphone> DM = ThreadLocal.withInitial(() -> {
        DoubleMetaphone d = new DoubleMetaphone();
        d.setMaxCodeLen(6);
        return d;
    });
    private static final Soundex SOUNDEX_CODEC = Soundex.US_ENGLISH;
    private static final PhoneticEngine BM = new PhoneticEngine(NameType.GENERIC, RuleType.APPROX, true);

    public static Optional<Method> parse(String s) {
        try {
            return Optional.of(valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean phonetic() {
        return this == DOUBLE_METAPHONE || this == SOUNDEX || this == BEIDER_MORSE;
    }

    /** The code compared by a phonetic method ("|"-separated alternatives), or the value itself. */
    public String encode(String normalised) {
        if (normalised == null) return null;
        if (!phonetic()) return normalised;
        StringBuilder sb = new StringBuilder(normalised.length());
        for (int i = 0; i < normalised.length(); i++) {
            char c = normalised.charAt(i);
            if ((c >= 'a' && c <= 'z') || c == ' ') sb.append(c);
        }
        String letters = sb.toString().trim();
        if (letters.isEmpty()) return null;
        return switch (this) {
            case DOUBLE_METAPHONE -> {
                DoubleMetaphone d = DM.get();
                String p = d.doubleMetaphone(letters, false);
                String a = d.doubleMetaphone(letters, true);
                yield p.equals(a) ? p : p + "|" + a;
            }
            case SOUNDEX -> SOUNDEX_CODEC.soundex(letters.replace(" ", ""));
            case BEIDER_MORSE -> BM.encode(letters);
            default -> normalised;
        };
    }

    /** Similarity in [0, 1] of two values already normalised and {@link #encode encoded}. */
    public double score(String a, String b) {
        return switch (this) {
            case EXACT -> a.equals(b) ? 1.0 : 0.0;
            case JARO_WINKLER -> a.equals(b) ? 1.0 : JW.apply(a, b);
            case LEVENSHTEIN -> {
                if (a.equals(b)) yield 1.0;
                int max = Math.max(a.length(), b.length());
                yield 1.0 - (double) LEV.apply(a, b) / max;
            }
            case DOUBLE_METAPHONE, SOUNDEX, BEIDER_MORSE -> codesOverlap(a, b) ? 1.0 : 0.0;
            case PREFIX -> {
                String shorter = a.length() <= b.length() ? a : b;
                String longer = shorter == a ? b : a;
                yield shorter.length() >= 3 && longer.startsWith(shorter) ? 1.0 : 0.0;
            }
            case INITIAL -> a.equals(b) || (a.length() == 1 && b.charAt(0) == a.charAt(0))
                    || (b.length() == 1 && a.charAt(0) == b.charAt(0)) ? 1.0 : 0.0;
        };
    }

    /** The primary code, for blocking keys (one key per record, not one per alternative). */
    public static String primary(String code) {
        int bar = code.indexOf('|');
        return bar < 0 ? code : code.substring(0, bar);
    }

    private static boolean codesOverlap(String a, String b) {
        if (a.equals(b)) return true;
        if (a.indexOf('|') < 0 && b.indexOf('|') < 0) return false;
        for (String x : a.split("\\|")) {
            for (String y : b.split("\\|")) {
                if (x.equals(y)) return true;
            }
        }
        return false;
    }
}
