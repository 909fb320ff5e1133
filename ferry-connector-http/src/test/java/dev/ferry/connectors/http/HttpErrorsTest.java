package dev.ferry.connectors.http;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ferry.spi.Batch;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class HttpErrorsTest extends HttpTestSupport {
    private static final String SECRET = "very-secret-token-42";

    private Map<String, Object> cfg(String path) {
        return map("url", url(path), "key", "id", "auth", map("type", "bearer", "token", SECRET),
                "headers", map("X-Tenant-Secret", "hdr-secret-99"), "query", map("access_key", "qry-secret-77", "q", "x"),
                "pagination", map("style", "offset", "limit", 2));
    }

    private static void noSecrets(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET, "hdr-secret-99", "qry-secret-77");
        }
    }

    @Test
    void a429CarriesRetryAfterInSecondsOrAsAnHttpDate() {
        wm.stubFor(get(urlPathEqualTo("/rl")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
        try (Source s = open(cfg("/rl")); SourceReader r = s.open(spec(), Optional.empty())) {
            RetriableSyncException e = catchThrowableOfType(RetriableSyncException.class, r::next);
            assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(7));
            assertThat(e).hasMessageContaining("HTTP 429").hasMessageContaining("access_key=***");
            noSecrets(e);
            assertThat(s.stats()).containsEntry("retries", 1L);
        }
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(90).atOffset(ZoneOffset.UTC));
        wm.stubFor(get(urlPathEqualTo("/rl2")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", date)));
        try (Source s = open(cfg("/rl2")); SourceReader r = s.open(spec(), Optional.empty())) {
            RetriableSyncException e = catchThrowableOfType(RetriableSyncException.class, r::next);
            assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(90));
        }
    }

    @Test
    void aFlapping503IsRetriableAndTheReaderContinuesAfterItsLastBatch() {
        wm.stubFor(get(urlPathEqualTo("/f")).withQueryParam("offset", equalTo("0")).inScenario("f").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wm.stubFor(get(urlPathEqualTo("/f")).withQueryParam("offset", equalTo("0")).inScenario("f").whenScenarioStateIs("up")
                .willReturn(okJson(items(1, 2))));
        wm.stubFor(get(urlPathEqualTo("/f")).withQueryParam("offset", equalTo("2")).inScenario("f").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("up2"));
        wm.stubFor(get(urlPathEqualTo("/f")).withQueryParam("offset", equalTo("2")).inScenario("f").whenScenarioStateIs("up2")
                .willReturn(okJson(items(3, 4))));
        wm.stubFor(get(urlPathEqualTo("/f")).withQueryParam("offset", equalTo("4")).inScenario("f").whenScenarioStateIs("up2")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("up3"));
        wm.stubFor(get(urlPathEqualTo("/f")).withQueryParam("offset", equalTo("4")).inScenario("f").whenScenarioStateIs("up3")
                .willReturn(okJson(items(5, 5))));
        Map<String, Object> c = map("url", url("/f"), "key", "id", "columns", map("id", "bigint", "name", "string"),
                "pagination", map("style", "offset", "limit", 2));
        List<Batch> batches = new ArrayList<>();
        int failures = 0;
        try (Source s = open(c); SourceReader r = s.open(spec(), Optional.empty())) {
            while (true) {
                try {
                    Optional<Batch> b = r.next();
                    if (b.isEmpty()) break;
                    batches.add(b.get());
                } catch (RetriableSyncException e) {
                    failures++;
                    assertThat(failures).isLessThan(10);
                }
            }
            assertThat(s.stats()).containsEntry("retries", 3L).containsEntry("pages", 3L);
        }
        assertThat(failures).isEqualTo(3);
        assertThat(rows(batches)).containsExactlyElementsOf(expected(1, 5));
    }

    @Test
    void aPageThatIsNotJsonNamesUrlStatusAndFirstBytesWithoutSecrets() {
        wm.stubFor(get(urlPathEqualTo("/bad")).willReturn(aResponse().withStatus(200)
                .withBody("<html><body>Maintenance until 10:00</body></html>")));
        try (Source s = open(cfg("/bad"))) {
            assertThatThrownBy(s::schema).isInstanceOf(SyncException.class).isNotInstanceOf(RetriableSyncException.class)
                    .hasMessageContaining(url("/bad")).hasMessageContaining("HTTP 200").hasMessageContaining("<html><body>Maintenance")
                    .satisfies(HttpErrorsTest::noSecrets);
        }
    }

    @Test
    void a4xxNamesStatusRedactedUrlAndTheBodyStart() {
        wm.stubFor(get(urlPathEqualTo("/gone")).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":\"unknown field 'q'\",\"token\":\"" + SECRET + "\"}" + "x".repeat(400))));
        try (Source s = open(cfg("/gone"))) {
            Throwable e = catchThrowableOfType(SyncException.class, () -> readAll(s, Optional.empty()));
            assertThat(e).isNotInstanceOf(RetriableSyncException.class)
                    .hasMessageContaining("HTTP 400").hasMessageContaining(url("/gone") + "?access_key=***&q=x&offset=0&limit=2")
                    .hasMessageContaining("unknown field 'q'");
            assertThat(e.getMessage().length()).isLessThan(500);
            noSecrets(e);
        }
    }

    @Test
    void requestsPerSecondSpacesRequests() {
        for (int off = 0; off <= 8; off += 2) {
            wm.stubFor(get(urlPathEqualTo("/slow")).withQueryParam("offset", equalTo(String.valueOf(off)))
                    .willReturn(okJson(items(off + 1, off + 2))));
        }
        wm.stubFor(get(urlPathEqualTo("/slow")).withQueryParam("offset", equalTo("10")).willReturn(okJson("[]")));
        try (Source s = open(map("url", url("/slow"), "key", "id", "requestsPerSecond", 2,
                "columns", map("id", "bigint"), "pagination", map("style", "offset", "limit", 2)))) {
            assertThat(readAll(s, Optional.empty())).hasSize(5);
            // 6 requests at 2/s: five waits of 0.5 s on the (fake) clock, no real sleeping
            assertThat(clock.slept).isEqualTo(Duration.ofMillis(2500));
            assertThat(s.stats()).containsEntry("requests", 6L).containsEntry("rateLimitWaits", 5L);
        }
    }

    @Test
    void aRecordThatIsNotAnArrayWhereRecordsPointsIsExplained() {
        wm.stubFor(get(urlPathEqualTo("/obj")).willReturn(okJson("{\"data\":{\"id\":1}}")));
        try (Source s = open(map("url", url("/obj"), "key", "id", "records", "/data", "columns", map("id", "bigint")))) {
            assertThatThrownBy(() -> readAll(s, Optional.empty())).hasMessageContaining("source.records").hasMessageContaining("/data");
        }
    }

    @Test
    void validationReportsEveryProblemWithItsKeyAndFix() {
        Map<String, Object> bad = map("url", "ftp://x/y", "method", "PUT", "cursor", "updated_at", "records", "data",
                "columns", map("amount", "money"), "timeoutSeconds", "soon", "requestsPerSecond", -1, "colour", "red",
                "pagination", map("style", "cursor", "limit", 3),
                "auth", map("type", "oauth2_password", "tokenUrl", "login", "clientSecret", "cs-very-secret"));
        List<String> problems = new ArrayList<>();
        factory().validate(new ConnectorConfig("source", bad), problems);
        assertThat(problems).anyMatch(p -> p.startsWith("source.url:") && p.contains("http"))
                .anyMatch(p -> p.startsWith("source.method:"))
                .anyMatch(p -> p.startsWith("source.key: required"))
                .anyMatch(p -> p.startsWith("source.cursorParam: required with cursor"))
                .anyMatch(p -> p.startsWith("source.records:") && p.contains("JSON Pointer"))
                .anyMatch(p -> p.startsWith("source.columns.amount:") && p.contains("decimal(p,s)"))
                .anyMatch(p -> p.startsWith("source.timeoutSeconds:"))
                .anyMatch(p -> p.startsWith("source.requestsPerSecond:"))
                .anyMatch(p -> p.startsWith("source.colour: unknown key"))
                .anyMatch(p -> p.startsWith("source.pagination.tokenPath: required"))
                .anyMatch(p -> p.startsWith("source.pagination.tokenParam: required"))
                .anyMatch(p -> p.startsWith("source.pagination.limit: not used by style cursor"))
                .anyMatch(p -> p.startsWith("source.auth.tokenUrl:") && p.contains("not an http(s) URL"))
                .anyMatch(p -> p.startsWith("source.auth.clientId: required"))
                .anyMatch(p -> p.startsWith("source.auth.username: required"))
                .anyMatch(p -> p.startsWith("source.auth.password: required"));
        assertThat(String.join("\n", problems)).doesNotContain("cs-very-secret");
        assertThatThrownBy(() -> factory().open(new ConnectorConfig("source", bad))).isInstanceOf(ConfigException.class);

        List<String> more = new ArrayList<>();
        factory().validate(new ConnectorConfig("source", map("url", "/relative", "key", "customer.id",
                "pagination", map("style", "sideways"), "auth", map("type", "ionapi", "file", "/nonexistent/x.ionapi"))), more);
        assertThat(more).anyMatch(p -> p.startsWith("source.pagination.style:") && p.contains("link_header"))
                .anyMatch(p -> p.startsWith("source.key:") && p.contains("customer_id"))
                .anyMatch(p -> p.startsWith("source.auth.file: cannot read"));
    }

    @Test
    void theFactoryIsRegisteredForTypeHttp() {
        assertThat(java.util.ServiceLoader.load(dev.ferry.spi.SourceFactory.class).stream()
                .map(p -> p.get().types()).filter(t -> t.contains("http")).count()).isEqualTo(1);
    }
}
