package dev.ferry.server.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Escaping and formatting for the server-built pages: every value a tenant or a run supplies goes through {@link #esc}. */
final class Html {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Html() {
    }

    static String esc(Object o) {
        if (o == null) return "";
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String url(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    static String when(Object isoInstant) {
        if (isoInstant == null) return "—";
        try {
            return WHEN.format(Instant.parse(String.valueOf(isoInstant)));
        } catch (RuntimeException e) {
            return String.valueOf(isoInstant);
        }
    }

    static String when(Instant i) {
        return i == null ? "—" : WHEN.format(i);
    }

    /** 0.4 → "0.4 s", 75 → "1 min 15 s", 4000 → "1 h 6 min". */
    static String seconds(Object secs) {
        if (!(secs instanceof Number n)) return "—";
        double s = n.doubleValue();
        if (s < 10) return String.format(Locale.ROOT, "%.1f s", s);
        return duration(Duration.ofSeconds(Math.round(s)));
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) return s + " s";
        if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    static String number(Object n) {
        if (!(n instanceof Number x)) return "—";
        return String.format(Locale.ROOT, "%,d", x.longValue());
    }
}
