package dev.ferry.connectors.http;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A query run as an asynchronous job (data lakes, warehouses): submit the SQL, get a job id, poll the job's state with
 * exponential backoff until it is finished or failed, then page through its results; each results page is one batch.
 * <p>
 * A batch's position is {@code aq:<rows delivered>:<job id>:<next page marker>} (id and marker base64url), so a
 * reader resumed after a transient failure, or a later run resumed from a checkpoint, continues on the same job at the
 * saved page. When the job has expired (its results answer 404 or 410), the query is submitted again and the rows
 * already delivered are skipped by count — correct when the query's order is stable (it is ordered by {@code key}).
 */
final class AsyncQuerySource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncQuerySource.class);
    static final String END = "end";
    static final String PREFIX = "aq:";
    static final int SAMPLE = 100;

    private final AsyncQuerySettings settings;
    private final HttpApi api;
    private final Clock clock;
    private final RateLimiter.Sleeper sleeper;
    private final AtomicLong jobs = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong resubmits = new AtomicLong();
    private Schema schema;

    AsyncQuerySource(AsyncQuerySettings settings, HttpApi api, Clock clock, RateLimiter.Sleeper sleeper) {
        this.settings = settings;
        this.api = api;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * The declared {@code types} when given (no job needed); else inferred from a sample job
     * ({@code SELECT * FROM (query) q LIMIT 100}). Key and cursor columns are always present.
     */
    @Override
    public synchronized Schema schema() {
        if (schema == null && !settings.types().isEmpty()) {
            List<String> extra = settings.sql().cursor().map(List::of).orElse(List.of());
            schema = Json.infer(List.of(), settings.types(), settings.sql().key(), extra);
        }
        if (schema == null) {
            String sql = settings.sql().sample(SAMPLE);
            String job = runJob(sql);
            HttpApi.Page page = api.fetch(resultsUri(job, null), null);
            List<String> extra = settings.sql().cursor().map(List::of).orElse(List.of());
            schema = Json.infer(records(page), List.of(), settings.sql().key(), extra);
        }
        return schema;
    }

    /**
     * One job {@code SELECT COUNT(*) AS n, MAX(cursor) AS m FROM (query above cursorFrom) q}: n is the total, m the
     * run's upper cursor bound. Skipped (Plan.unknown) when countQuery is false and there is no cursor.
     */
    @Override
    public Plan plan(ReadSpec spec) {
        if (!settings.countQuery() && settings.sql().cursor().isEmpty()) return Plan.unknown();
        String sql = settings.sql().count(spec.cursorFrom());
        String job = runJob(sql);
        List<JsonNode> rows = records(api.fetch(resultsUri(job, null), null));
        if (rows.isEmpty()) return Plan.unknown();
        JsonNode row = rows.get(0);
        JsonNode n = field(row, "n", 0);
        JsonNode m = field(row, "m", 1);
        OptionalLong total = OptionalLong.empty();
        if (settings.countQuery() && (n.isNumber() || (n.isString() && n.stringValue().matches("\\d+")))) total = OptionalLong.of(n.asLong());
        Optional<String> cursorTo = Optional.empty();
        if (settings.sql().cursor().isPresent() && !m.isMissingNode() && !m.isNull()) {
            cursorTo = Optional.of(m.isString() ? m.stringValue() : m.toString());
        }
        if (settings.sql().cursor().isPresent() && cursorTo.isEmpty()) cursorTo = spec.cursorFrom(); // nothing new
        return new Plan(total, OptionalLong.empty(), cursorTo);
    }

    private static JsonNode field(JsonNode row, String name, int index) {
        if (row.isArray()) return row.path(index);
        for (Map.Entry<String, JsonNode> e : row.properties()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
        return tools.jackson.databind.node.MissingNode.getInstance();
    }

    @Override
    public SourceReader open(ReadSpec spec, Optional<String> resumeAfter) {
        Reader r = new Reader(spec);
        resumeAfter.ifPresent(p -> {
            if (p.equals(END)) {
                r.ended = true;
                return;
            }
            String[] parts = p.split(":", -1);
            if (!p.startsWith(PREFIX) || parts.length != 4 || !parts[1].matches("\\d+")) {
                throw new SyncException("the checkpoint position '" + p.replaceAll("[^\\w:/.-]", "?")
                        + "' is not from the async-query source; run again with --full-refresh");
            }
            r.delivered = Long.parseLong(parts[1]);
            r.job = decode(parts[2]);
            r.jobDone = true; // it had finished when the position was written; an expired job shows as 404 on its results
            r.marker = parts[3].isEmpty() ? null : decode(parts[3]);
            r.skip = 0;
            if (r.marker == null) r.ended = true;
        });
        return r;
    }

    static String encode(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String s) {
        try {
            return new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SyncException("the checkpoint position is damaged (not base64url); run again with --full-refresh");
        }
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobs", jobs.get());
        m.put("polls", polls.get());
        m.put("pages", pages.get());
        m.put("resubmits", resubmits.get());
        m.put("requests", api.requests.get());
        m.put("bytes", api.bytes.get());
        m.put("retries", api.transientFailures.get());
        m.put("rateLimitWaits", api.rateLimitWaits());
        return m;
    }

    @Override
    public void close() {
        api.close();
    }

    // --- the job flow -------------------------------------------------------------------------------------------

    private URI at(String path, String job) {
        String p = job == null ? path : path.replace("{jobId}", Urls.enc(job));
        return URI.create(api.baseUri().toString().replaceAll("/+$", "") + "/" + p.replaceAll("^/+", ""));
    }

    URI resultsUri(String job, String marker) {
        return Pagination.pageUri(settings.results().pagination(), at(settings.results().path(), job), Map.of(), marker);
    }

    /** Submits {@code sql}; returns the job id. */
    String submit(String sql) {
        String body = HttpSource.fill(settings.submit().body(), Map.of("sql", sql));
        HttpApi.Page page = api.fetch(at(settings.submit().path(), null), body);
        JsonNode id = page.body().at(settings.submit().jobIdPath());
        String job = id.isString() ? id.stringValue() : id.isNumber() ? id.asString() : "";
        if (job.isBlank()) {
            throw new SyncException("the answer from " + Urls.redact(page.uri()) + " has no job id at "
                    + settings.submit().jobIdPath() + "; set source.submit.jobIdPath to the JSON Pointer of the id, e.g. /id");
        }
        jobs.incrementAndGet();
        LOG.info("async-query source: submitted job {} ({})", job, first(sql, 120));
        return job;
    }

    /**
     * Polls {@code job} until finished (returns) or failed (throws with the job's own message). Waits pollInitial,
     * doubling up to pollMax, through the injected sleeper; gives up after status.timeoutSeconds.
     */
    void await(String job, String sql) {
        AsyncQuerySettings.Status st = settings.status();
        Instant start = clock.instant();
        Duration delay = st.pollInitial();
        while (true) {
            HttpApi.Page page = api.fetch(at(st.path(), job), null);
            polls.incrementAndGet();
            JsonNode s = page.body().at(st.statePath());
            String state = s.isString() ? s.stringValue() : s.isMissingNode() || s.isNull() ? "" : s.toString();
            String upper = state.strip().toUpperCase(Locale.ROOT);
            if (st.finished().contains(upper)) return;
            if (st.failed().contains(upper)) {
                String message = st.errorPath().map(p -> page.body().at(p))
                        .map(n -> n.isString() ? n.stringValue() : n.isMissingNode() || n.isNull() ? "" : n.toString())
                        .filter(m -> !m.isBlank()).orElse("(no message at " + st.errorPath().map(Object::toString).orElse("source.status.errorPath") + ")");
                throw new SyncException("query job " + job + " " + upper + ": " + first(message, 500)
                        + "; the SQL was: " + first(sql, 200));
            }
            if (state.isBlank()) {
                throw new SyncException("the status answer for job " + job + " from " + Urls.redact(page.uri())
                        + " has no state at " + st.statePath() + "; set source.status.statePath to the JSON Pointer of the job's state");
            }
            Duration waited = Duration.between(start, clock.instant());
            if (waited.compareTo(st.timeout()) >= 0) {
                throw new SyncException("job " + job + " still " + upper + " after " + waited.toSeconds()
                        + " s; raise source.status.timeoutSeconds (now " + st.timeout().toSeconds() + ")");
            }
            Duration left = st.timeout().minus(waited);
            try {
                sleeper.sleep(delay.compareTo(left) < 0 ? delay : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SyncException("waiting for query job " + job + " was interrupted", e);
            }
            delay = delay.multipliedBy(2);
            if (delay.compareTo(st.pollMax()) > 0) delay = st.pollMax();
        }
    }

    private String runJob(String sql) {
        String job = submit(sql);
        await(job, sql);
        return job;
    }

    static String first(String s, int n) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= n ? one : one.substring(0, n) + "…";
    }

    /** The rows of a results page, as JSON objects (array rows get their names from results.columnsPath). */
    List<JsonNode> records(HttpApi.Page page) {
        AsyncQuerySettings.Results r = settings.results();
        JsonNode node = r.records().map(p -> page.body().at(p)).orElse(page.body());
        if (node.isMissingNode() || node.isNull()) return List.of();
        if (!node.isArray()) {
            throw new SyncException("the results from " + Urls.redact(page.uri()) + " have no array of rows "
                    + r.records().map(p -> "at " + p).orElse("at their root")
                    + "; set source.results.records to the JSON Pointer of the rows, e.g. /data");
        }
        List<JsonNode> out = new ArrayList<>(node.size());
        List<String> names = null;
        for (JsonNode row : node.values()) {
            if (row.isArray()) {
                if (names == null) names = columnNames(page);
                ObjectNode o = Json.MAPPER.createObjectNode();
                for (int i = 0; i < names.size() && i < row.size(); i++) o.set(names.get(i), row.get(i));
                out.add(o);
            } else {
                out.add(row);
            }
        }
        return out;
    }

    private List<String> columnNames(HttpApi.Page page) {
        JsonNode cols = settings.results().columnsPath().map(p -> page.body().at(p)).orElse(null);
        if (cols == null || !cols.isArray()) {
            throw new SyncException("the results from " + Urls.redact(page.uri()) + " hold rows as arrays but "
                    + settings.results().columnsPath().map(p -> "there is no array of column names at " + p)
                    .orElse("source.results.columnsPath is not set") + "; set it to the JSON Pointer of the column names, e.g. /columns");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode c : cols.values()) {
            // either ["id", "name"] or [{"name": "id", …}, …]
            names.add(c.isString() ? c.stringValue() : c.path("name").asString(c.toString()));
        }
        return names;
    }

    private final class Reader implements SourceReader {
        private final ReadSpec spec;
        private final String sql;
        String job;
        boolean jobDone;
        String marker;
        int fullest; // the most records a results page of this read had
        long delivered;
        long skip;
        boolean ended;
        private long seq;

        Reader(ReadSpec spec) {
            this.spec = spec;
            this.sql = settings.sql().select(spec.cursorFrom(), spec.cursorTo(), true);
        }

        @Override
        public Optional<Batch> next() {
            Schema s = schema();
            while (!ended) {
                if (job == null) {
                    job = submit(sql);
                    jobDone = false;
                }
                if (!jobDone) {
                    await(job, sql);
                    jobDone = true;
                }
                HttpApi.Page page;
                try {
                    page = api.fetch(resultsUri(job, marker), null);
                } catch (HttpApi.StatusException e) {
                    if (e.status() != 404 && e.status() != 410) throw e;
                    LOG.warn("async-query source: job {} has expired (HTTP {} on its results); submitting the query again "
                            + "and skipping the {} rows already delivered", job, e.status(), delivered);
                    resubmits.incrementAndGet();
                    job = null;
                    marker = null;
                    skip = delivered;
                    continue;
                }
                pages.incrementAndGet();
                List<JsonNode> records = records(page);
                String shown = Urls.redact(page.uri());
                List<Object[]> rows = new ArrayList<>(records.size());
                List<dev.ferry.spi.RejectedRecord> rejected = new ArrayList<>();
                for (int i = 0; i < records.size(); i++) {
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    try {
                        rows.add(Json.keyedRow(records.get(i), s, Map.of(), spec.key(), shown + " row " + (i + 1)));
                    } catch (dev.ferry.spi.RecordException e) {
                        rejected.add(Json.rejected(records.get(i), s, Map.of(), spec.key(), shown + " row " + (i + 1), e));
                    }
                }
                String next = HttpSource.nextMarker(settings.results().pagination(), page, marker, records.size(), fullest);
                fullest = Math.max(fullest, records.size());
                // the state moves only after the page was read in full: a retry fetches it again
                marker = next;
                ended = next == null;
                delivered += rows.size() + rejected.size();
                if (!rows.isEmpty() || !rejected.isEmpty()) {
                    String position = ended ? END : PREFIX + delivered + ":" + encode(job) + ":" + encode(next);
                    return Optional.of(new Batch(seq++, s, rows, position, page.bytes(), Optional.empty(), rejected));
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
