package dev.ferry.connectors.http;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** URL building and redaction for messages. */
final class Urls {
    private Urls() {
    }

    private static final String SECRET_NAMES = ".*(token|key|secret|pass|sig|auth|credential|session|code).*";

    /** The URL for messages: user info dropped, values of query parameters whose names look like credentials masked. */
    static String redact(URI uri) {
        if (!uri.isAbsolute() || uri.getRawAuthority() == null) return uri.getRawPath() == null ? "?" : uri.getRawPath();
        String q = uri.getRawQuery();
        String base = uri.getScheme() + "://" + uri.getRawAuthority().replaceAll("^[^@]*@", "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
        if (q == null) return base;
        List<String> parts = new ArrayList<>();
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            boolean secret = name.toLowerCase(Locale.ROOT).matches(SECRET_NAMES);
            parts.add(secret && eq >= 0 ? name + "=***" : part);
        }
        return base + "?" + String.join("&", parts);
    }

    static String redact(String url) {
        try {
            return redact(URI.create(url));
        } catch (IllegalArgumentException e) {
            return "(unparseable URL)";
        }
    }

    /** {@code base} with {@code params} appended to its query (encoded). */
    static URI withQuery(URI base, Map<String, String> params) {
        if (params.isEmpty()) return base;
        StringBuilder sb = new StringBuilder(base.toString());
        String fragment = base.getRawFragment();
        if (fragment != null) sb.setLength(sb.length() - fragment.length() - 1);
        boolean hasQuery = base.getRawQuery() != null && !base.getRawQuery().isEmpty();
        char sep = hasQuery ? '&' : (sb.indexOf("?") >= 0 ? '\0' : '?');
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (sep != '\0') sb.append(sep);
            sb.append(enc(e.getKey())).append('=').append(enc(e.getValue()));
            sep = '&';
        }
        return URI.create(sb.toString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String form(Map<String, String> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", parts);
    }
}
