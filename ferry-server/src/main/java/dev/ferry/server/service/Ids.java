package dev.ferry.server.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Random identifiers and tokens, and the hash under which tokens are stored. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final char[] ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private Ids() {
    }

    public static String random(String prefix, int length) {
        StringBuilder s = new StringBuilder(prefix);
        for (int i = 0; i < length; i++) s.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return s.toString();
    }

    /** Sortable by time like the CLI's run ids, with enough randomness for many triggers in one second. */
    public static String runId(Instant now) {
        return RUN_TIME.format(now) + "-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
    }

    /** 256 random bits, URL-safe. */
    public static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "fy_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
