package dev.ferry.connectors.http;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ferry.spi.Batch;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AsyncQueryTest extends HttpTestSupport {

    AsyncQuerySourceFactory asyncFactory() {
        return new AsyncQuerySourceFactory(clock, d -> {
            clock.advance(d);
            clock.slept = clock.slept.plus(d);
        });
    }

    Source openAsync(Map<String, Object> values) {
        ConnectorConfig config = new ConnectorConfig("source", values);
        List<String> problems = new ArrayList<>();
        asyncFactory().validate(config, problems);
        assertThat(problems).isEmpty();
        return asyncFactory().open(config);
    }

    Map<String, Object> cfg(Object... extra) {
        Map<String, Object> m = map("url", url("/api"), "table", "lake.orders", "key", "id",
                "auth", map("type", "bearer", "token", "tok-123456"),
                "submit", map("path", "/statements", "body", map("query", "{{sql}}", "catalog", "lake"), "jobIdPath", "/id"),
                "status", map("path", "/statements/{jobId}", "statePath", "/state", "finished", List.of("FINISHED", "SUCCEEDED"),
                        "failed", List.of("FAILED", "CANCELLED"), "errorPath", "/error/message", "timeoutSeconds", 60),
                "results", map("path", "/statements/{jobId}/results", "records", "/data",
                        "pagination", map("style", "offset", "limit", 2)),
                "countQuery", false);
        for (int i = 0; i < extra.length; i += 2) m.put((String) extra[i], extra[i + 1]);
        return m;
    }

    static void submits(String containing, String job, int priority) {
        wm.stubFor(post(urlEqualTo("/api/statements")).atPriority(priority).withRequestBody(containing(containing))
                .willReturn(okJson("{\"id\":\"" + job + "\"}")));
    }

    static void finished(String job) {
        wm.stubFor(get(urlEqualTo("/api/statements/" + job)).willReturn(okJson("{\"state\":\"FINISHED\"}")));
    }

    static void results(String job, int offset, String items) {
        wm.stubFor(get(urlPathEqualTo("/api/statements/" + job + "/results")).withQueryParam("offset", equalTo(String.valueOf(offset)))
                .willReturn(okJson("{\"data\":" + items + "}")));
    }

    /** The schema's sample job. */
    static void sample() {
        submits("LIMIT 100", "sample1", 1);
        finished("sample1");
        results("sample1", 0, items(1, 2));
    }

    /** The main job: QUEUED → RUNNING → FINISHED, results 1..5 in pages of 2. */
    static void mainJob() {
        submits("ORDER BY", "job1", 5);
        wm.stubFor(get(urlEqualTo("/api/statements/job1")).inScenario("job1").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"state\":\"QUEUED\"}")).willSetStateTo("running"));
        wm.stubFor(get(urlEqualTo("/api/statements/job1")).inScenario("job1").whenScenarioStateIs("running")
                .willReturn(okJson("{\"state\":\"RUNNING\"}")).willSetStateTo("done"));
        wm.stubFor(get(urlEqualTo("/api/statements/job1")).inScenario("job1").whenScenarioStateIs("done")
                .willReturn(okJson("{\"state\":\"FINISHED\"}")));
        results("job1", 0, items(1, 2));
        results("job1", 2, items(3, 4));
        results("job1", 4, items(5, 5));
    }

    /** The SQL of every submitted query, in order. */
    static List<String> submitted() {
        List<String> out = new ArrayList<>();
        for (LoggedRequest r : wm.findAll(postRequestedFor(urlEqualTo("/api/statements")))) {
            out.add(Json.MAPPER.readTree(r.getBodyAsString()).path("query").stringValue());
        }
        return out;
    }

    static long mainSubmits() {
        return submitted().stream().filter(s -> s.contains("ORDER BY")).count();
    }

    @Test
    void readsEveryPageOfAFinishedJobAfterPollingWithBackoff() {
        sample();
        mainJob();
        try (Source s = openAsync(cfg())) {
            List<Batch> batches = readAll(s, Optional.empty());
            assertThat(rows(batches)).isEqualTo(expected(1, 5));
            assertThat(batches).hasSize(3);
            assertThat(batches.get(2).position()).isEqualTo(AsyncQuerySource.END);
            assertThat(s.stats()).containsEntry("jobs", 2L).containsEntry("pages", 3L);
        }
        assertThat(submitted()).containsExactly("SELECT * FROM (SELECT * FROM \"lake\".\"orders\") q LIMIT 100",
                "SELECT * FROM \"lake\".\"orders\" ORDER BY \"id\"");
        // QUEUED, sleep 500 ms, RUNNING, sleep 1 s, FINISHED — on the fake clock
        assertThat(clock.slept).isEqualTo(Duration.ofMillis(1500));
        wm.verify(postRequestedFor(urlEqualTo("/api/statements")).withHeader("Authorization", equalTo("Bearer tok-123456"))
                .withRequestBody(matchingJsonPath("$.catalog", equalTo("lake"))));
    }

    @Test
    void declaredTypesSkipTheSampleJob() {
        mainJob();
        try (Source s = openAsync(cfg("types", map("id", "bigint", "name", "string")))) {
            assertThat(s.schema().names()).containsExactly("id", "name");
            assertThat(rows(readAll(s, Optional.empty()))).isEqualTo(expected(1, 5));
            assertThat(s.stats()).containsEntry("jobs", 1L);
        }
        assertThat(submitted()).containsExactly("SELECT * FROM \"lake\".\"orders\" ORDER BY \"id\"");
    }

    @Test
    void theCountJobGivesPlanItsTotalAndTheCursorsUpperBound() {
        submits("COUNT(*)", "count1", 1);
        finished("count1");
        wm.stubFor(get(urlPathEqualTo("/api/statements/count1/results"))
                .willReturn(okJson("{\"columns\":[{\"name\":\"n\"},{\"name\":\"m\"}],\"data\":[[5,\"2026-01-03 10:00:00\"]]}")));
        Map<String, Object> c = cfg("countQuery", true, "cursor", "updated_at", "where", map("whseid", "wmwhse1"));
        ((Map<String, Object>) c.get("results")).put("columnsPath", "/columns");
        ReadSpec spec = new ReadSpec(List.of("id"), Optional.of("updated_at"), Optional.of("2026-01-01 00:00:00"), Optional.empty(), 100);
        try (Source s = openAsync(c)) {
            Plan plan = s.plan(spec);
            assertThat(plan.totalRows()).hasValue(5);
            assertThat(plan.cursorTo()).hasValue("2026-01-03 10:00:00");
        }
        assertThat(submitted()).containsExactly("SELECT COUNT(*) AS n, MAX(\"updated_at\") AS m FROM (SELECT * FROM \"lake\".\"orders\" "
                + "WHERE \"whseid\" = 'wmwhse1' AND \"updated_at\" > '2026-01-01 00:00:00') q");
    }

    @Test
    void aFailedJobSurfacesItsOwnMessageAndTheSql() {
        sample();
        submits("ORDER BY", "bad1", 5);
        wm.stubFor(get(urlEqualTo("/api/statements/bad1"))
                .willReturn(okJson("{\"state\":\"FAILED\",\"error\":{\"message\":\"Table lake.orders does not exist\"}}")));
        try (Source s = openAsync(cfg()); SourceReader r = s.open(spec(), Optional.empty())) {
            assertThatThrownBy(r::next).isExactlyInstanceOf(SyncException.class)
                    .hasMessageContaining("query job bad1 FAILED: Table lake.orders does not exist")
                    .hasMessageContaining("the SQL was: SELECT * FROM \"lake\".\"orders\" ORDER BY \"id\"")
                    .hasMessageNotContaining("tok-123456");
        }
    }

    @Test
    void aJobThatNeverFinishesTimesOutWithoutRealWaiting() {
        sample();
        submits("ORDER BY", "slow1", 5);
        wm.stubFor(get(urlEqualTo("/api/statements/slow1")).willReturn(okJson("{\"state\":\"RUNNING\"}")));
        long started = System.nanoTime();
        try (Source s = openAsync(cfg()); SourceReader r = s.open(spec(), Optional.empty())) {
            assertThatThrownBy(r::next).isExactlyInstanceOf(SyncException.class)
                    .hasMessage("job slow1 still RUNNING after 60 s; raise source.status.timeoutSeconds (now 60)");
        }
        assertThat(clock.slept).isEqualTo(Duration.ofSeconds(60));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        // backoff 0.5, 1, 2, 4, 8, 10, 10, 10, 10, then the 4.5 s left: 11 polls in all
        wm.verify(11, getRequestedFor(urlEqualTo("/api/statements/slow1")));
    }

    @Test
    void a429WhilePollingIsRetriableAndTheRetryKeepsTheSameJob() {
        sample();
        submits("ORDER BY", "job1", 5);
        wm.stubFor(get(urlEqualTo("/api/statements/job1")).inScenario("rl").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("ok"));
        wm.stubFor(get(urlEqualTo("/api/statements/job1")).inScenario("rl").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"state\":\"SUCCEEDED\"}")));
        results("job1", 0, items(1, 2));
        results("job1", 2, items(3, 3));
        List<Batch> batches = new ArrayList<>();
        try (Source s = openAsync(cfg()); SourceReader r = s.open(spec(), Optional.empty())) {
            RetriableSyncException e = catchThrowableOfType(RetriableSyncException.class, r::next);
            assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(7));
            assertThat(e).hasMessageContaining("HTTP 429");
            for (Optional<Batch> b = r.next(); b.isPresent(); b = r.next()) batches.add(b.get());
        }
        assertThat(rows(batches)).isEqualTo(expected(1, 3));
        assertThat(mainSubmits()).isEqualTo(1);
    }

    @Test
    void aResumeFromAMidPositionContinuesOnTheSameJob() {
        sample();
        mainJob();
        String position;
        try (Source s = openAsync(cfg()); SourceReader r = s.open(spec(), Optional.empty())) {
            Batch first = r.next().orElseThrow();
            assertThat(rows(List.of(first))).isEqualTo(expected(1, 2));
            position = first.position();
        }
        assertThat(position).startsWith("aq:2:");
        try (Source s = openAsync(cfg())) {
            assertThat(rows(readAll(s, Optional.of(position)))).isEqualTo(expected(3, 5));
        }
        assertThat(mainSubmits()).isEqualTo(1);
        // the resumed reader asked for the page after the saved one only: page 0 was fetched once, by the first reader
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/api/statements/job1/results")).withQueryParam("offset", equalTo("0")))).hasSize(1);
    }

    @Test
    void anExpiredJobIsSubmittedAgainAndDeliveredRowsAreSkippedByCount() {
        sample();
        mainJob();
        wm.stubFor(get(urlPathEqualTo("/api/statements/gone/results")).willReturn(aResponse().withStatus(404)));
        String position = "aq:3:" + AsyncQuerySource.encode("gone") + ":" + AsyncQuerySource.encode("4");
        try (Source s = openAsync(cfg())) {
            assertThat(rows(readAll(s, Optional.of(position)))).isEqualTo(expected(4, 5));
            assertThat(s.stats()).containsEntry("resubmits", 1L);
        }
        assertThat(mainSubmits()).isEqualTo(1);
    }

    @Test
    void theBuilderQuotesIdentifiersAndLiterals() {
        AsyncSql sql = new AsyncSql(Optional.empty(), "lake.orders", List.of("id", "name", "updated_at"),
                map("whseid", "wm'wh1", "qty", 5, "gone", null), List.of("whseid", "id"), Optional.of("updated_at"));
        assertThat(sql.select(Optional.of("2026-01-01 10:00:00"), Optional.of("2026-01-02"), true)).isEqualTo(
                "SELECT \"id\", \"name\", \"updated_at\" FROM \"lake\".\"orders\" WHERE \"whseid\" = 'wm''wh1' AND \"qty\" = 5 "
                        + "AND \"gone\" IS NULL AND \"updated_at\" > '2026-01-01 10:00:00' AND \"updated_at\" <= '2026-01-02' "
                        + "ORDER BY \"whseid\", \"id\"");
        assertThat(sql.select(Optional.of("42"), Optional.empty(), false)).endsWith("AND \"updated_at\" > 42");
        AsyncSql literal = new AsyncSql(Optional.of("select * from t"), "", List.of(), Map.of(), List.of("id"), Optional.of("v"));
        assertThat(literal.select(Optional.empty(), Optional.empty(), false)).isEqualTo("select * from t");
        assertThat(literal.select(Optional.of("x'y"), Optional.of("9"), true))
                .isEqualTo("SELECT * FROM (select * from t) q WHERE \"v\" > 'x''y' AND \"v\" <= 9 ORDER BY \"id\"");
        assertThat(literal.count(Optional.empty())).isEqualTo("SELECT COUNT(*) AS n, MAX(\"v\") AS m FROM (select * from t) q");
        assertThat(AsyncSql.validIdent("a\"b")).isFalse();
        assertThat(AsyncSql.validIdent("1abc")).isFalse();
        assertThat(AsyncSql.validIdent("s.t")).isTrue();
    }

    @Test
    void everyConfigProblemIsReportedAtOnceWithItsKeyPath() {
        Map<String, Object> bad = map("url", "ftp://x", "table", "orders; drop", "columns", List.of("id", "na me"),
                "where", map("wh\"id", "x"), "bogus", 1,
                "status", map("path", "/s", "statePath", "state", "pollInitialMs", 2000, "pollMaxMs", 100),
                "results", map("path", "/r/{jobId}", "pagination", map("style", "sideways")));
        List<String> problems = new ArrayList<>();
        asyncFactory().validate(new ConnectorConfig("source", bad), problems);
        assertThat(String.join("\n", problems)).contains(
                "source.url: 'ftp://x' is not http(s)",
                "source.bogus: unknown key",
                "source.submit: required",
                "source.status.path: has no {jobId} placeholder",
                "source.status.statePath: 'state' is not a JSON Pointer",
                "source.status.finished: required",
                "source.status.failed: required",
                "source.status.pollMaxMs: must be at least pollInitialMs",
                "source.results.pagination.style: 'sideways' is not a pagination style",
                "source.table: 'orders; drop' is not a plain identifier",
                "source.columns: 'na me' is not a plain identifier",
                "source.where.wh\"id:",
                "source.key: required");
        Map<String, Object> both = cfg("query", "select 1");
        problems.clear();
        asyncFactory().validate(new ConnectorConfig("source", both), problems);
        assertThat(problems).containsExactly("source.query: give either query or table (with columns and where), not both");
        Map<String, Object> noSql = cfg();
        noSql.remove("table");
        ((Map<String, Object>) noSql.get("submit")).put("body", map("statement", "x"));
        problems.clear();
        asyncFactory().validate(new ConnectorConfig("source", noSql), problems);
        assertThat(String.join("\n", problems)).contains("source.table: required unless query is given",
                "source.submit.body: has no \"{{sql}}\" placeholder");
        assertThatThrownBy(() -> asyncFactory().open(new ConnectorConfig("source", noSql))).isInstanceOf(ConfigException.class);
    }

    @Test
    void theFactoryIsRegistered() {
        List<String> types = new ArrayList<>();
        java.util.ServiceLoader.load(dev.ferry.spi.SourceFactory.class).forEach(f -> types.addAll(f.types()));
        assertThat(types).contains("http", "async-query");
    }
}
