package dev.ferry.connectors.http;

import dev.ferry.spi.ConnectorConfig;
import tools.jackson.core.JsonPointer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** How the API pages: {@code source.pagination}. Each style says what marks the next page. */
sealed interface Pagination {
    record None() implements Pagination {}

    /** A token in the body (tokenPath) sent back as a query parameter (tokenParam); ends when missing or empty. */
    record Cursor(JsonPointer tokenPath, String tokenParam) implements Pagination {}

    /** An absolute or relative next URL in the body; ends when missing or null. */
    record NextUrl(JsonPointer nextPath) implements Pagination {}

    /** RFC 5988 {@code Link: <…>; rel="next"}; ends when there is none. */
    record LinkHeader() implements Pagination {}

    /** offset/limit query parameters; ends on an empty page, or on a short one after a fuller one (APIs cap page sizes). */
    record Offset(String offsetParam, String limitParam, long limit) implements Pagination {}

    /** A page number (and optional size); ends on an empty page. */
    record Page(String pageParam, long startPage, Optional<String> sizeParam, Optional<Long> size) implements Pagination {}

    String STYLES = "none, cursor, next_url, link_header, offset or page";

    static Pagination parse(ConnectorConfig config, List<String> problems) {
        Object raw = config.values().get("pagination");
        if (raw == null) return new None();
        if (!(raw instanceof Map<?, ?>)) {
            problems.add(config.key("pagination") + ": give a map, e.g. {style: offset, limit: 100}");
            return new None();
        }
        Map<String, Object> p = config.map("pagination");
        String where = config.key("pagination");
        String style = String.valueOf(p.getOrDefault("style", "none")).strip().toLowerCase(Locale.ROOT);
        Set<String> allowed = switch (style) {
            case "none" -> Set.of("style");
            case "cursor" -> Set.of("style", "tokenPath", "tokenParam");
            case "next_url" -> Set.of("style", "nextPath");
            case "link_header" -> Set.of("style");
            case "offset" -> Set.of("style", "offsetParam", "limitParam", "limit");
            case "page" -> Set.of("style", "pageParam", "startPage", "sizeParam", "size");
            default -> null;
        };
        if (allowed == null) {
            problems.add(where + ".style: '" + style + "' is not a pagination style; use " + STYLES);
            return new None();
        }
        for (String k : p.keySet()) {
            if (!allowed.contains(k)) problems.add(where + "." + k + ": not used by style " + style + "; it takes " + new java.util.TreeSet<>(allowed));
        }
        return switch (style) {
            case "cursor" -> {
                Optional<JsonPointer> path = HttpSettings.pointer(where + ".tokenPath", str(p, "tokenPath"), problems);
                if (str(p, "tokenPath") == null) problems.add(where + ".tokenPath: required for style cursor; give the JSON Pointer to the next-page token, e.g. /meta/next_cursor");
                String param = str(p, "tokenParam");
                if (param == null) problems.add(where + ".tokenParam: required for style cursor; name the query parameter that takes the token, e.g. cursor");
                yield new Cursor(path.orElse(JsonPointer.empty()), param == null ? "cursor" : param);
            }
            case "next_url" -> {
                Optional<JsonPointer> path = HttpSettings.pointer(where + ".nextPath", str(p, "nextPath"), problems);
                if (str(p, "nextPath") == null) problems.add(where + ".nextPath: required for style next_url; give the JSON Pointer to the next URL, e.g. /nextRecordsUrl");
                yield new NextUrl(path.orElse(JsonPointer.empty()));
            }
            case "link_header" -> new LinkHeader();
            case "offset" -> {
                long limit = HttpSettings.number(where, p.get("limit"), "limit", 100, problems);
                if (limit <= 0) problems.add(where + ".limit: must be positive, e.g. 100");
                yield new Offset(orDefault(p, "offsetParam", "offset"), orDefault(p, "limitParam", "limit"), Math.max(1, limit));
            }
            case "page" -> {
                long start = HttpSettings.number(where, p.get("startPage"), "startPage", 1, problems);
                Optional<Long> size = p.get("size") == null ? Optional.empty()
                        : Optional.of(HttpSettings.number(where, p.get("size"), "size", 100, problems));
                if (size.isPresent() && size.get() <= 0) problems.add(where + ".size: must be positive, e.g. 100");
                Optional<String> sizeParam = Optional.ofNullable(str(p, "sizeParam"));
                if (size.isPresent() && sizeParam.isEmpty()) sizeParam = Optional.of("size");
                if (sizeParam.isPresent() && size.isEmpty()) problems.add(where + ".size: required with sizeParam; give the page size, e.g. 100");
                yield new Page(orDefault(p, "pageParam", "page"), start, sizeParam, size);
            }
            default -> new None();
        };
    }

    /** The address of the page marked {@code marker} (null: the first page) when pages are fetched with GET. */
    static java.net.URI pageUri(Pagination pagination, java.net.URI base, Map<String, String> query, String marker) {
        Map<String, String> params = new java.util.LinkedHashMap<>(query);
        return switch (pagination) {
            case Cursor c -> {
                if (marker != null) params.put(c.tokenParam(), marker);
                yield Urls.withQuery(base, params);
            }
            case NextUrl n -> marker != null ? base.resolve(marker) : Urls.withQuery(base, params);
            case LinkHeader l -> marker != null ? base.resolve(marker) : Urls.withQuery(base, params);
            case Offset o -> {
                params.put(o.offsetParam(), marker == null ? "0" : marker);
                params.put(o.limitParam(), String.valueOf(o.limit()));
                yield Urls.withQuery(base, params);
            }
            case Page p -> {
                params.put(p.pageParam(), marker == null ? String.valueOf(p.startPage()) : marker);
                p.sizeParam().ifPresent(sp -> params.put(sp, String.valueOf(p.size().orElse(100L))));
                yield Urls.withQuery(base, params);
            }
            case None n -> Urls.withQuery(base, params);
        };
    }

    private static String str(Map<String, Object> p, String key) {
        Object v = p.get(key);
        return v == null || String.valueOf(v).isBlank() ? null : String.valueOf(v).strip();
    }

    private static String orDefault(Map<String, Object> p, String key, String dflt) {
        String v = str(p, key);
        return v == null ? dflt : v;
    }
}
