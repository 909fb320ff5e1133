package dev.ferry.store;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for state-store JDBC URLs: safe display, H2 file defaults, the PostgreSQL schema. */
public final class StoreUrl {
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password|pwd)=[^&;]*");
    private static final Pattern USERINFO = Pattern.compile("//([^/@:]+):[^/@]*@");
    private static final Pattern PG_SCHEMA = Pattern.compile("[?&]currentSchema=([^&]+)");

    private StoreUrl() {
    }

    /** The URL with any password removed: for messages and logs. */
    static String redact(String url) {
        String s = PASSWORD.matcher(url).replaceAll("$1=***");
        return USERINFO.matcher(s).replaceAll("//$1:***@");
    }

    /**
     * H2 file databases get AUTO_SERVER=TRUE so a second process (a `ferry status`, or another `ferry run`
     * checking the lease) can open the same file while a run holds it; the first opener serves the others over TCP.
     */
    public static String withDefaults(String url) {
        if (!isH2File(url)) return url;
        String upper = url.toUpperCase(Locale.ROOT);
        StringBuilder s = new StringBuilder(url);
        if (!upper.contains(";AUTO_SERVER=")) s.append(";AUTO_SERVER=TRUE");
        // lease takeover waits on a row lock held by a concurrent checkpoint; H2's 1 s default is too short
        if (!upper.contains(";LOCK_TIMEOUT=")) s.append(";LOCK_TIMEOUT=10000");
        // H2 writes commits to the file up to 500 ms late: a killed run would lose its last checkpoints and lease
        if (!upper.contains(";WRITE_DELAY=")) s.append(";WRITE_DELAY=0");
        // texts up to 4 KB (a bidirectional base row, a run's JSON) stay in their row: in H2's separate LOB storage
        // every read and write of one costs extra lookups, and a 1M-record base took 3× longer to read and write
        if (!upper.contains(";MAX_LENGTH_INPLACE_LOB=")) s.append(";MAX_LENGTH_INPLACE_LOB=4096");
        return s.toString();
    }

    public static boolean isH2File(String url) {
        if (!url.startsWith("jdbc:h2:")) return false;
        String rest = url.substring("jdbc:h2:".length());
        return !(rest.startsWith("mem:") || rest.startsWith("tcp:") || rest.startsWith("ssl:") || rest.startsWith("zip:"));
    }

    /** The schema a PostgreSQL URL names with currentSchema=…, which Flyway should create and use. */
    static Optional<String> postgresSchema(String url) {
        Matcher m = PG_SCHEMA.matcher(url);
        if (!m.find()) return Optional.empty();
        String first = m.group(1).split(",")[0].trim();
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }
}
