package dev.ferry.spi;

/** Masking a secret (a password, a token) in a message that may quote it: a driver's error, a response body. */
public final class Secrets {
    /** What a masked secret reads as. */
    public static final String MASK = "***";
    /** Secrets at least this long are masked wherever they appear; shorter ones only as a whole word. */
    private static final int ANYWHERE = 8;

    private Secrets() {
    }

    /**
     * {@code text} with every occurrence of {@code secret} replaced by {@link #MASK}. A short secret is masked only where
     * no letter or digit touches it: a one-letter password must not turn "does not exist" into "does not e***ist".
     */
    public static String mask(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) return text;
        if (secret.length() >= ANYWHERE) return text.replace(secret, MASK);
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
            if (at < from) continue;
            int end = at + secret.length();
            boolean alone = (at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1)))
                    && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)));
            if (!alone) continue;
            out.append(text, from, at).append(MASK);
            from = end;
        }
        return out.append(text, from, text.length()).toString();
    }
}
