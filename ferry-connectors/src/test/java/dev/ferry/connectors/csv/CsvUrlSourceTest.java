package dev.ferry.connectors.csv;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.Source;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The url form against a JDK HTTP server on loopback: redirects, transient and permanent failures, progress. */
class CsvUrlSourceTest {
    static final String CSV = "id,name\n1,Ann\n2,\"Bob, Jr.\"\n3,Zoë\n";

    HttpServer server;
    String base;
    final ConcurrentLinkedQueue<String> authorizations = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data.csv", ex -> {
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            send(ex, 200, "text/csv", CSV);
        });
        // like a Google Sheets export: the published address redirects to the content server
        server.createContext("/spreadsheets/export", ex -> {
            ex.getResponseHeaders().add("Location", base + "/data.csv");
            send(ex, 302, "text/plain", "");
        });
        AtomicInteger flaky = new AtomicInteger();
        server.createContext("/flaky.csv", ex -> {
            if (flaky.getAndIncrement() == 0) {
                ex.getResponseHeaders().add("Retry-After", "7");
                send(ex, 503, "text/plain", "busy");
            } else {
                send(ex, 200, "text/csv", CSV);
            }
        });
        server.createContext("/private.csv", ex -> send(ex, 403, "text/plain", "forbidden"));
        server.createContext("/login", ex -> send(ex, 200, "text/html; charset=utf-8", "<html>sign in</html>"));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static Source open(String url, Map<String, Object> extra) {
        Map<String, Object> v = new java.util.LinkedHashMap<>(Map.of("type", "csv", "url", url, "key", List.of("id"), "timeoutSeconds", 5));
        v.putAll(extra);
        return CsvSourceTest.open(new ConnectorConfig("source", v));
    }

    @Test
    void downloadsFollowingARedirectAndReportsProgress() {
        try (Source source = open(base + "/spreadsheets/export?format=csv&gid=0",
                Map.of("headers", Map.of("Authorization", "Bearer s3cret")))) {
            assertThat(source.phase()).hasValue("processing");
            long size = CSV.getBytes(StandardCharsets.UTF_8).length;
            assertThat(source.stats()).containsEntry("bytesDownloaded", size).containsEntry("contentLength", size)
                    .containsEntry("sizeBytes", size).containsEntry("lines", 4L);
            assertThat(source.plan(CsvSourceTest.spec(2)).totalRows()).hasValue(3);
            assertThat(source.stats()).containsEntry("rows", 3L);
            assertThat(CsvSourceTest.readAll(source, CsvSourceTest.spec(2), Optional.empty()))
                    .containsExactly(List.of(1L, "Ann"), List.of(2L, "Bob, Jr."), List.of(3L, "Zoë"));
        }
        assertThat(authorizations).containsExactly("Bearer s3cret");
    }

    @Test
    void aBusyServerIsTransientAndItsRetryAfterIsKept() {
        assertThatThrownBy(() -> open(base + "/flaky.csv", Map.of()))
                .isInstanceOfSatisfying(RetriableSyncException.class,
                        e -> assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(7)))
                .hasMessageContaining("HTTP 503 from " + base + "/flaky.csv");
        // what the engine's retry then gets
        try (Source source = open(base + "/flaky.csv", Map.of())) {
            assertThat(source.schema().names()).containsExactly("id", "name");
        }
    }

    @Test
    void refusedAccessSaysWhatToDoWithoutLeakingSecrets() {
        assertThatThrownBy(() -> open(base + "/private.csv?token=abc123", Map.of("headers", Map.of("Authorization", "Bearer s3cret"))))
                .isExactlyInstanceOf(SyncException.class)
                .hasMessage("HTTP 403 from " + base + "/private.csv?token=***: the server refused access; "
                        + "give credentials in source.headers (e.g. Authorization)");
        assertThatThrownBy(() -> open(base + "/login", Map.of()))
                .isExactlyInstanceOf(SyncException.class)
                .hasMessageContaining("gave an HTML page instead of CSV");
        assertThatThrownBy(() -> open(base + "/missing.csv", Map.of()))
                .hasMessageContaining("HTTP 404 from " + base + "/missing.csv: nothing at this address; check source.url");
    }

    @Test
    void anUnreachableServerIsTransient() {
        server.stop(0);
        assertThatThrownBy(() -> open(base + "/data.csv", Map.of())).isInstanceOf(RetriableSyncException.class)
                .hasMessageStartingWith("could not download " + base + "/data.csv");
    }

    @Test
    void retryAfterAcceptsSecondsAndDates() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2025-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
        HttpDownload d = new HttpDownload(null, null, clock);
        assertThat(d.retryAfter("120")).hasValue(Duration.ofMinutes(2));
        assertThat(d.retryAfter("Wed, 01 Jan 2025 00:00:30 GMT")).hasValue(Duration.ofSeconds(30));
        assertThat(d.retryAfter("soon")).isEmpty();
    }
}
