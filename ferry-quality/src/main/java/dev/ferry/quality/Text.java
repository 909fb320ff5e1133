package dev.ferry.quality;

import java.text.Normalizer;
import java.util.Locale;

/** Small text helpers shared by the normalisers. */
final class Text {
    private Text() {
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String collapseWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = !out.isEmpty();
            } else {
                if (space) out.append(' ');
                space = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Folds accents and ligatures to ASCII: Müller → muller, José → jose, Straße → strasse, Ørsted → orsted.
     * Lower-cases first, so the result is always lower case.
     */
    static String foldAccents(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder pre = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            switch (c) {
                case 'ß' -> pre.append("ss");
                case 'æ' -> pre.append("ae");
                case 'œ' -> pre.append("oe");
                case 'ø' -> pre.append('o');
                case 'đ', 'ð' -> pre.append('d');
                case 'ł' -> pre.append('l');
                case 'þ' -> pre.append("th");
                case 'ı' -> pre.append('i');
                default -> pre.append(c);
            }
        }
        String decomposed = Normalizer.normalize(pre, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK) out.append(c);
        }
        return out.toString();
    }

    /**
     * A person or place name as a comparison key: lower case, accents folded, German umlaut transcriptions
     * collapsed (Mueller → muller, so Müller = Mueller = Muller), punctuation to spaces, whitespace collapsed.
     * Collapsing "ue/oe/ae" also touches names like Manuel (→ manul); applied to both sides it stays a key.
     */
    static String nameKey(String s) {
        String folded = foldAccents(s);
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                if (c == 'e' && i > 0 && (folded.charAt(i - 1) == 'u' || folded.charAt(i - 1) == 'o' || folded.charAt(i - 1) == 'a')
                        && i > 1 && Character.isLetter(folded.charAt(i - 2)) && !isVowel(folded.charAt(i - 2))) {
                    continue; // the 'e' of an umlaut transcription after a consonant: mueller, schroeder, baecker
                }
                out.append(c);
            } else if (c == '\'' || c == '’') {
                // O'Brien = OBrien
            } else {
                out.append(' ');
            }
        }
        return collapseWhitespace(out.toString());
    }

    private static boolean isVowel(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
    }
}
