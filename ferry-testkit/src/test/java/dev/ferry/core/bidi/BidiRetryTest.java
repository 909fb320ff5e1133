package dev.ferry.core.bidi;

import dev.ferry.core.CancelToken;
import dev.ferry.core.Connectors;
import dev.ferry.core.RetrySettings;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import dev.ferry.core.RunStatus;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.testkit.Failure;
import dev.ferry.testkit.FakeDestination;
import dev.ferry.testkit.FakeDestinationFactory;
import dev.ferry.testkit.FakeSchema;
import dev.ferry.testkit.FakeSource;
import dev.ferry.testkit.FakeSourceFactory;
import dev.ferry.testkit.InMemoryStateStore;
import dev.ferry.testkit.RowGenerator;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A bidirectional run tells its listener each retry with its reason, as a one-way run does (the server's timeline). */
class BidiRetryTest {
    /** 1 ms backoff: retries never sleep for real. */
    static final RetrySettings FAST = new RetrySettings(Duration.ofMillis(1), 2.0, 4, 0.0, Duration.ofMillis(4));

    static BidiJob.Side side(String id) {
        ConnectorConfig c = new ConnectorConfig(id, Map.of("type", "fake", "name", id, "url", "mem://" + id));
        return new BidiJob.Side(id, "fake", c, c, "items", List.of(FakeSchema.KEY), Optional.empty(), Optional.empty());
    }

    @Test
    void transientReadAndWriteFailuresAreRetriedAndToldToTheListener() {
        FakeSource readA = new FakeSource().putAll(new RowGenerator(3).rows(100));
        FakeSource readB = new FakeSource();
        FakeDestination writeA = new FakeDestination(), writeB = new FakeDestination();
        Connectors connectors = new Connectors()
                .add(new FakeSourceFactory().register("a", readA).register("b", readB))
                .add(new FakeDestinationFactory().register("a", writeA).register("b", writeB));
        readA.failOnNext(2, 2, Failure.CONNECTION_LOST); // a's second batch, twice
        writeB.failOnWrite(1, 1, Failure.RETRIABLE);     // the first write into b, once
        BidiJob job = new BidiJob("items-ab", side("a"), side("b"), List.of(),
                BidiJob.ConflictPolicy.of(BidiJob.Strategy.A_WINS), BidiJob.DeletionRule.REPORT, 30, 2, FAST, false,
                Optional.empty());
        List<String> retries = Collections.synchronizedList(new ArrayList<>()), runIds = Collections.synchronizedList(new ArrayList<>());
        RunInfo r = new BidiEngine(new InMemoryStateStore(), connectors, Clock.systemUTC()).run(job, new RunListener() {
            @Override
            public void onUpdate(RunInfo run) {
            }

            @Override
            public void onRetry(String runId, int retry, String reason) {
                runIds.add(runId);
                retries.add(retry + ": " + reason);
            }
        }, new CancelToken());

        assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(writeB.size()).as("a's records reached b").isEqualTo(100);
        assertThat(retries).hasSize(3);
        assertThat(retries).filteredOn(x -> x.contains("injected connection loss")).extracting(x -> x.substring(0, 2))
                .containsExactly("1:", "2:");
        assertThat(retries).filteredOn(x -> x.contains("injected transient failure")).extracting(x -> x.substring(0, 2))
                .containsExactly("1:");
        assertThat(runIds).containsOnly(r.runId());
        assertThat(r.stats().get("retries")).as("counted in the run's stats, as a one-way run's").isEqualTo(3L);
    }
}
