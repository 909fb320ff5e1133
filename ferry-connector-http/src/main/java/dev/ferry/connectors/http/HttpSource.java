package dev.ferry.connectors.http;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A paginated JSON API. Each HTTP page is one batch; a batch's position says how to fetch the page after it
 * ("next:" + the next URL, token, offset or page number, or "end"), so a resumed run fetches from the saved page marker.
 * APIs cannot be read by key ranges, so a page can be fetched again after a crash; destination upserts make that harmless.
 */
final class HttpSource implements Source {
    static final String END = "end";
    static final String NEXT = "next:";
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");

    private final HttpSettings settings;
    private final HttpApi api;
    private final Clock clock;
    private final AtomicLong pages = new AtomicLong();
    private Schema schema;
    private String cachedKey;
    private HttpApi.Page cachedPage;

    HttpSource(HttpSettings settings, HttpApi api, Clock clock) {
        this.settings = settings;
        this.api = api;
        this.clock = clock;
    }

    @Override
    public synchronized Schema schema() {
        if (schema == null) {
            List<String> extra = settings.cursor().map(List::of).orElse(List.of());
            if (!settings.declared().isEmpty()) {
                schema = Json.infer(List.of(), settings.declared(), settings.key(), extra);
            } else {
                Request first = request(null, Optional.empty());
                schema = Json.infer(records(fetchCached(first, true)), List.of(), settings.key(), extra);
            }
        }
        return schema;
    }

    @Override
    public Plan plan(ReadSpec spec) {
        OptionalLong total = OptionalLong.empty();
        if (settings.total().isPresent()) {
            HttpApi.Page first = fetchCached(request(null, spec.cursorFrom()), true);
            JsonNode n = first.body().at(settings.total().get());
            if (n.isNumber() || (n.isString() && n.stringValue().matches("\\d+"))) total = OptionalLong.of(n.asLong());
        }
        // the high-water mark is the time the run planned: the next run asks for records changed since then
        Optional<String> cursorTo = settings.cursor().map(c -> clock.instant().toString());
        return new Plan(total, OptionalLong.empty(), cursorTo);
    }

    @Override
    public SourceReader open(ReadSpec spec, Optional<String> resumeAfter) {
        String marker = null;
        boolean ended = false;
        if (resumeAfter.isPresent()) {
            String p = resumeAfter.get();
            if (p.equals(END)) ended = true;
            else if (p.startsWith(NEXT)) marker = p.substring(NEXT.length());
            else throw new SyncException("the checkpoint position '" + p.replaceAll("[^\\w:/.-]", "?")
                    + "' is not from the http source; run again with --full-refresh");
        }
        return new Reader(spec, marker, ended);
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pages", pages.get());
        m.put("requests", api.requests.get());
        m.put("bytes", api.bytes.get());
        m.put("retries", api.transientFailures.get());
        m.put("tokenRequests", api.tokenRequests.get());
        m.put("authRefreshes", api.authRefreshes.get());
        m.put("rateLimitWaits", api.rateLimitWaits());
        return m;
    }

    @Override
    public void close() {
        api.close();
    }

    record Request(URI uri, String body) {
        String cacheKey() {
            return uri + "\n" + body;
        }
    }

    /** The request for the page marked {@code marker} (null: the first page). */
    Request request(String marker, Optional<String> cursorFrom) {
        URI base = api.baseUri();
        Map<String, String> params = new LinkedHashMap<>(settings.query());
        settings.cursorParam().ifPresent(p -> cursorFrom.ifPresent(v -> params.put(p, v)));
        Map<String, String> vars = new LinkedHashMap<>();
        cursorFrom.ifPresent(v -> vars.put("cursor", v));
        URI uri;
        switch (settings.pagination()) {
            case Pagination.Cursor c -> {
                if (marker != null) params.put(c.tokenParam(), marker);
                if (marker != null) vars.put("token", marker);
                uri = Urls.withQuery(base, params);
            }
            case Pagination.NextUrl n -> uri = marker != null ? base.resolve(marker) : Urls.withQuery(base, params);
            case Pagination.LinkHeader l -> uri = marker != null ? base.resolve(marker) : Urls.withQuery(base, params);
            case Pagination.Offset o -> {
                String offset = marker == null ? "0" : marker;
                params.put(o.offsetParam(), offset);
                params.put(o.limitParam(), String.valueOf(o.limit()));
                vars.put("offset", offset);
                vars.put("limit", String.valueOf(o.limit()));
                uri = Urls.withQuery(base, params);
            }
            case Pagination.Page p -> {
                String page = marker == null ? String.valueOf(p.startPage()) : marker;
                params.put(p.pageParam(), page);
                p.sizeParam().ifPresent(sp -> params.put(sp, String.valueOf(p.size().orElse(100L))));
                vars.put("page", page);
                p.size().ifPresent(s -> vars.put("size", String.valueOf(s)));
                uri = Urls.withQuery(base, params);
            }
            case Pagination.None n -> uri = Urls.withQuery(base, params);
        }
        return new Request(uri, settings.body().map(b -> fill(b, vars)).orElse(null));
    }

    /** Replaces {{name}} placeholders in the body template: "{{x}}" (quoted) becomes a JSON value or null. */
    static String fill(String template, Map<String, String> vars) {
        Matcher m = Pattern.compile("\"\\{\\{(\\w+)}}\"|\\{\\{(\\w+)}}").matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            boolean quoted = m.group(1) != null;
            String v = vars.get(quoted ? m.group(1) : m.group(2));
            String out;
            if (v == null) out = quoted ? "null" : "";
            else if (v.matches("-?\\d+")) out = v;
            else out = quoted ? Json.MAPPER.writeValueAsString(v) : Json.MAPPER.writeValueAsString(v).replaceAll("^\"|\"$", "");
            m.appendReplacement(sb, Matcher.quoteReplacement(out));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Fetches, or takes the page fetched by schema()/plan() for the same request. */
    private synchronized HttpApi.Page fetchCached(Request r, boolean keep) {
        if (r.cacheKey().equals(cachedKey)) {
            HttpApi.Page p = cachedPage;
            if (!keep) {
                cachedKey = null;
                cachedPage = null;
            }
            return p;
        }
        HttpApi.Page p = api.fetch(r.uri(), r.body());
        if (keep) {
            cachedKey = r.cacheKey();
            cachedPage = p;
        }
        return p;
    }

    /** The records of a page: at source.records, or the root when it is an array. */
    List<JsonNode> records(HttpApi.Page page) {
        JsonNode node = settings.records().map(p -> page.body().at(p)).orElse(page.body());
        String shown = Urls.redact(page.uri());
        if (node.isMissingNode() || node.isNull()) return List.of();
        if (!node.isArray()) {
            throw new SyncException("the answer from " + shown + " has no array of records "
                    + settings.records().map(p -> "at " + p).orElse("at its root")
                    + "; set source.records to the JSON Pointer of the array, e.g. /data/items");
        }
        return new ArrayList<>(node.values());
    }

    /** The marker of the page after {@code page}, or null at the end; {@code fullest}: the most records a page had before. */
    String nextMarker(HttpApi.Page page, String marker, int count, int fullest) {
        return nextMarker(settings.pagination(), page, marker, count, fullest);
    }

    /** The marker of the page after {@code page} under {@code pagination}, or null at the end. */
    static String nextMarker(Pagination pagination, HttpApi.Page page, String marker, int count, int fullest) {
        return switch (pagination) {
            case Pagination.None n -> null;
            case Pagination.Cursor c -> {
                JsonNode t = page.body().at(c.tokenPath());
                String s = t.isMissingNode() || t.isNull() ? "" : t.isString() ? t.stringValue() : t.toString();
                yield s.isBlank() ? null : s;
            }
            case Pagination.NextUrl n -> {
                JsonNode t = page.body().at(n.nextPath());
                String s = t.isString() ? t.stringValue() : "";
                yield s.isBlank() ? null : page.uri().resolve(s.strip()).toString();
            }
            case Pagination.LinkHeader l -> linkNext(page).map(s -> page.uri().resolve(s).toString()).orElse(null);
            // a page shorter than the limit ends the list only after a fuller page: many APIs cap the page size below
            // the limit asked for (returning 50 of 100), and every page of theirs is "short"
            case Pagination.Offset o -> count == 0 || (count < o.limit() && count < fullest) ? null
                    : String.valueOf((marker == null ? 0 : Long.parseLong(marker)) + count);
            case Pagination.Page p -> count == 0 ? null : String.valueOf((marker == null ? p.startPage() : Long.parseLong(marker)) + 1);
        };
    }

    static Optional<String> linkNext(HttpApi.Page page) {
        for (String header : page.headers().allValues("Link")) {
            Matcher m = LINK.matcher(header);
            while (m.find()) {
                String params = m.group(2).toLowerCase(java.util.Locale.ROOT);
                if (params.matches("(?s).*;\\s*rel\\s*=\\s*\"?([^\"]*\\s)?next(\\s[^\"]*)?\"?.*")) return Optional.of(m.group(1).strip());
            }
        }
        return Optional.empty();
    }

    private final class Reader implements SourceReader {
        private final ReadSpec spec;
        private String marker;
        private boolean ended;
        private long seq;
        private int fullest; // the most records a page of this read had

        Reader(ReadSpec spec, String marker, boolean ended) {
            this.spec = spec;
            this.marker = marker;
            this.ended = ended;
        }

        @Override
        public Optional<Batch> next() {
            Schema s = schema();
            while (!ended) {
                Request r = request(marker, spec.cursorFrom());
                HttpApi.Page page = fetchCached(r, false);
                pages.incrementAndGet();
                List<JsonNode> records = records(page);
                String shown = Urls.redact(page.uri());
                List<Object[]> rows = new ArrayList<>(records.size());
                List<dev.ferry.spi.RejectedRecord> rejected = new ArrayList<>();
                for (int i = 0; i < records.size(); i++) {
                    try {
                        rows.add(Json.keyedRow(records.get(i), s, settings.paths(), spec.key(), shown + " record " + (i + 1)));
                    } catch (dev.ferry.spi.RecordException e) {
                        // a value that does not fit its column: a dead letter with the reason, the page goes on
                        rejected.add(Json.rejected(records.get(i), s, settings.paths(), spec.key(), shown + " record " + (i + 1), e));
                    }
                }
                String next = nextMarker(page, marker, records.size(), fullest);
                fullest = Math.max(fullest, records.size());
                // the state moves only after the page was read in full: a retry after a failure fetches it again
                marker = next;
                ended = next == null;
                if (!rows.isEmpty() || !rejected.isEmpty()) {
                    return Optional.of(new Batch(seq++, s, rows, ended ? END : NEXT + next, page.bytes(), Optional.empty(), rejected));
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
