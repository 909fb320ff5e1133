package dev.ferry.connectors.http;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.ferry.spi.Batch;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** WireMock on 127.0.0.1 (dynamic port), a clock tests move by hand, and helpers to read a source. */
abstract class HttpTestSupport {
    static WireMockServer wm;

    /** A clock that only moves when told (or when the rate limiter "sleeps"). */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Duration slept = Duration.ZERO;

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
        void advance(Duration d) { now = now.plus(d); }
    }

    MutableClock clock;

    @BeforeAll
    static void startServer() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterAll
    static void stopServer() {
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
        clock = new MutableClock();
    }

    String url(String path) {
        return "http://127.0.0.1:" + wm.port() + path;
    }

    HttpSourceFactory factory() {
        return new HttpSourceFactory(clock, d -> {
            clock.advance(d);
            clock.slept = clock.slept.plus(d);
        });
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    Source open(Map<String, Object> values) {
        ConnectorConfig config = new ConnectorConfig("source", values);
        List<String> problems = new ArrayList<>();
        factory().validate(config, problems);
        assertThat(problems).isEmpty();
        return factory().open(config);
    }

    static ReadSpec spec() {
        return new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), 1000);
    }

    static List<Batch> readAll(Source source, Optional<String> resume) {
        return readAll(source, spec(), resume);
    }

    static List<Batch> readAll(Source source, ReadSpec spec, Optional<String> resume) {
        List<Batch> out = new ArrayList<>();
        try (SourceReader r = source.open(spec, resume)) {
            for (Optional<Batch> b = r.next(); b.isPresent(); b = r.next()) out.add(b.get());
        }
        return out;
    }

    /** Rows as readable strings: "[1, a]". */
    static List<String> rows(List<Batch> batches) {
        List<String> out = new ArrayList<>();
        for (Batch b : batches) for (Object[] r : b.rows()) out.add(Arrays.toString(r));
        return out;
    }

    /** A JSON array of records {id: n, name: "r<n>"} for ids from..to. */
    static String items(int from, int to) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = from; i <= to; i++) {
            if (i > from) sb.append(',');
            sb.append("{\"id\":").append(i).append(",\"name\":\"r").append(i).append("\"}");
        }
        return sb.append(']').toString();
    }

    static List<String> expected(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) out.add("[" + i + ", r" + i + "]");
        return out;
    }
}
