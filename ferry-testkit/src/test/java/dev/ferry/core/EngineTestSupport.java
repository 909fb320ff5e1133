package dev.ferry.core;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.WriteMode;
import dev.ferry.testkit.FakeDestination;
import dev.ferry.testkit.FakeDestinationFactory;
import dev.ferry.testkit.FakeSchema;
import dev.ferry.testkit.FakeSource;
import dev.ferry.testkit.FakeSourceFactory;
import dev.ferry.testkit.InMemoryStateStore;
import dev.ferry.testkit.RowGenerator;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** One fake source, one fake destination, an in-memory store and an engine over them. */
abstract class EngineTestSupport {
    /** 1 ms backoff: retries never sleep for real. */
    static final RetrySettings FAST = new RetrySettings(Duration.ofMillis(1), 2.0, 3, 0.0, Duration.ofMillis(4));

    final InMemoryStateStore store = new InMemoryStateStore();
    final FakeSource source = new FakeSource();
    final FakeDestination dest = new FakeDestination();
    final Connectors connectors = new Connectors().add(new FakeSourceFactory(source)).add(new FakeDestinationFactory(dest));
    final Engine engine = new Engine(store, connectors, Clock.systemUTC());

    static SyncJob job(int batchSize) {
        return job(batchSize, false, WriteMode.UPSERT, 2);
    }

    static SyncJob job(int batchSize, boolean incremental, WriteMode mode, int readAhead) {
        return new SyncJob("orders", "fake", new ConnectorConfig("source", Map.of("type", "fake")),
                "fake", new ConnectorConfig("destination", Map.of("type", "fake", "url", "mem://dst")), "dst.orders",
                List.of(FakeSchema.KEY), incremental ? Optional.of(FakeSchema.CURSOR) : Optional.empty(),
                mode, batchSize, readAhead, FAST, false);
    }

    List<Object[]> load(long seed, int n) {
        RowGenerator gen = new RowGenerator(seed);
        List<Object[]> rows = gen.rows(n);
        source.putAll(rows);
        return rows;
    }

    RunInfo run(SyncJob job) {
        return engine.run(job, RunListener.NONE, new CancelToken());
    }

    void assertDestinationEqualsSource() {
        List<Object[]> src = source.rows();
        List<Object[]> dst = dest.rows();
        assertThat(dst).hasSameSizeAs(src);
        for (int i = 0; i < src.size(); i++) {
            Object[] s = src.get(i), d = dst.get(i);
            assertThat(FakeDestination.sameRow(s, d)).as("row %s: source %s, destination %s",
                    s[FakeSchema.ID], java.util.Arrays.toString(s), java.util.Arrays.toString(d)).isTrue();
        }
    }

    static void assertCounters(RunInfo r, long total, long processed, long inserted, long updated, long unchanged, long failed) {
        Counters c = r.counters();
        assertThat(new long[]{c.total(), c.processed(), c.inserted(), c.updated(), c.unchanged(), c.failed()})
                .as("total, processed, inserted, updated, unchanged, failed of %s", r)
                .containsExactly(total, processed, inserted, updated, unchanged, failed);
    }
}
