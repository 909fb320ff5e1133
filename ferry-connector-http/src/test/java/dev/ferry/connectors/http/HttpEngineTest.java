package dev.ferry.connectors.http;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ferry.core.CancelToken;
import dev.ferry.core.Connectors;
import dev.ferry.core.Engine;
import dev.ferry.core.RetrySettings;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import dev.ferry.core.RunStatus;
import dev.ferry.core.SyncJob;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.WriteMode;
import dev.ferry.testkit.FakeDestination;
import dev.ferry.testkit.FakeDestinationFactory;
import dev.ferry.testkit.Failure;
import dev.ferry.testkit.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The http source under the real engine: transient failures retried in place, a failed run resumed after its last page. */
class HttpEngineTest extends HttpTestSupport {
    private static final RetrySettings FAST = new RetrySettings(Duration.ofMillis(1), 2.0, 4, 0.0, Duration.ofMillis(4));
    private final InMemoryStateStore store = new InMemoryStateStore();
    private final FakeDestination dest = new FakeDestination();

    private RunInfo run(Map<String, Object> source) {
        Connectors connectors = new Connectors().add(factory()).add(new FakeDestinationFactory(dest));
        SyncJob job = new SyncJob("api", "http", new ConnectorConfig("source", source), "fake",
                new ConnectorConfig("destination", Map.of("type", "fake", "url", "mem://dst")), "dst.items",
                List.of("id"), Optional.empty(), WriteMode.UPSERT, 100, 2, FAST, false);
        return new Engine(store, connectors, java.time.Clock.systemUTC()).run(job, RunListener.NONE, new CancelToken());
    }

    private Map<String, Object> source() {
        return map("type", "http", "url", url("/e"), "key", List.of("id"), "records", "/items", "total", "/count",
                "columns", map("id", "bigint", "name", "string"), "pagination", map("style", "page", "size", 2));
    }

    private void pages() {
        for (int p = 1; p <= 3; p++) {
            wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo(String.valueOf(p)))
                    .willReturn(okJson("{\"count\":5,\"items\":" + items(p * 2 - 1, Math.min(p * 2, 5)) + "}")));
        }
        wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("4")).willReturn(okJson("{\"count\":5,\"items\":[]}")));
    }

    @Test
    void transientFailuresMidRunAreRetriedAndEveryRowLandsOnce() {
        pages();
        wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("2")).inScenario("flap").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0")).willSetStateTo("once"));
        wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("2")).inScenario("flap").whenScenarioStateIs("once")
                .willReturn(aResponse().withStatus(500)).willSetStateTo("ok"));
        wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("2")).inScenario("flap").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"count\":5,\"items\":" + items(3, 4) + "}")));
        RunInfo r = run(source());
        assertThat(r.status()).as(String.valueOf(r)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.counters().total()).isEqualTo(5);
        assertThat(r.counters().inserted()).isEqualTo(5);
        assertThat(dest.rows()).extracting(Arrays::toString).containsExactlyElementsOf(expected(1, 5));
    }

    @Test
    void aFailedRunResumesAfterTheLastCommittedPage() {
        pages();
        dest.failOnWrite(2, 100, Failure.FATAL);
        RunInfo failed = run(source());
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(dest.rows()).hasSize(2);
        dest.noFailures();
        wm.resetRequests();
        RunInfo resumed = run(source());
        assertThat(resumed.status()).as(String.valueOf(resumed)).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dest.rows()).extracting(Arrays::toString).containsExactlyElementsOf(expected(1, 5));
        // page 1 was committed: the resumed run reads from page 2 on; page 1 is fetched once more only by plan(),
        // for the total count (source.total)
        wm.verify(1, getRequestedFor(urlPathEqualTo("/e")).withQueryParam("page", equalTo("1")));
        assertThat(resumed.counters().inserted()).isEqualTo(5); // counters carry over from the interrupted run
        wm.verify(1, getRequestedFor(urlPathEqualTo("/e")).withQueryParam("page", equalTo("2")));
    }

    @Test
    void aRecordWhoseValueDoesNotFitIsDeadLetteredAndThePageLands() {
        wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson("{\"count\":3,\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":\"two\",\"name\":\"b\"},{\"id\":3,\"name\":\"c\"}]}")));
        wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("2")).willReturn(okJson("{\"count\":3,\"items\":[]}")));
        RunInfo r = run(source());
        assertThat(r.status()).as(String.valueOf(r)).isEqualTo(RunStatus.PARTIAL);
        assertThat(r.counters().inserted()).isEqualTo(2);
        assertThat(r.counters().failed()).isEqualTo(1);
        assertThat(r.counters().processed()).isEqualTo(3);
        assertThat(dest.rows()).hasSize(2);
        assertThat(store.deadLetters(r.runId())).singleElement().satisfies(l -> {
            assertThat(l.sourceKey()).isEqualTo("two");
            assertThat(l.reason()).contains("record 2: field id = \"two\" is not a bigint").contains("declare it in source.columns");
            assertThat(l.payload()).containsEntry("name", "b");
        });
    }

    @Test
    void aRecordWithoutItsKeyIsDeadLetteredNamingTheKeyField() {
        wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson("{\"count\":4,\"items\":[{\"id\":1,\"name\":\"a\"},{\"name\":\"no id\"},"
                        + "{\"id\":null,\"name\":\"null id\"},{\"id\":4,\"name\":\"d\"}]}")));
        wm.stubFor(get(urlPathEqualTo("/e")).withQueryParam("page", equalTo("2")).willReturn(okJson("{\"count\":4,\"items\":[]}")));
        RunInfo r = run(source());
        assertThat(r.status()).as(String.valueOf(r)).isEqualTo(RunStatus.PARTIAL);
        assertThat(r.counters().inserted()).isEqualTo(2);
        assertThat(r.counters().failed()).isEqualTo(2);
        assertThat(dest.rows()).hasSize(2);
        assertThat(store.deadLetters(r.runId())).hasSize(2).allSatisfy(l ->
                assertThat(l.reason()).contains("no value for key field id (missing or null)"));
    }
}
