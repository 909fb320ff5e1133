package dev.ferry.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CSV URL (like a Google Sheets export) end to end: a redirect, a 503 the engine retries, a slow download whose
 * progress shows while it lasts, then processing and saving into H2, with size and line counts in the run's stats.
 */
class CsvUrlSyncIT {
    static final int ROWS = 20_000;
    @TempDir Path dir;
    HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    @Test
    void downloadsWithLiveProgressRetriesABusyServerAndLandsEveryRow() throws Exception {
        StringBuilder csv = new StringBuilder("Order ID,Customer Name,Amount,Created At\r\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(i).append(",\"Name, ").append(i).append("\",").append(i % 1000).append('.').append(i % 100 < 10 ? "0" : "")
                    .append(i % 100).append(",2026-01-").append(String.format("%02d", 1 + i % 28)).append("T10:00:00Z\r\n");
        }
        byte[] body = csv.toString().getBytes(StandardCharsets.UTF_8);
        AtomicInteger calls = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/spreadsheets/d/abc/export", ex -> {
            ex.getResponseHeaders().add("Location", "/files/sheet.csv");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        server.createContext("/files/sheet.csv", ex -> {
            if (calls.incrementAndGet() == 1) {
                ex.getResponseHeaders().add("Retry-After", "1");
                ex.sendResponseHeaders(503, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "text/csv");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                int chunk = body.length / 25;
                for (int off = 0; off < body.length; off += chunk) {
                    out.write(body, off, Math.min(chunk, body.length - off));
                    out.flush();
                    Thread.sleep(200); // ~5 s in all: long enough to be seen downloading
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/spreadsheets/d/abc/export?format=csv";
        String h2 = "jdbc:h2:file:" + dir + "/dst";
        Path sync = dir.resolve("sheet.yaml");
        Files.writeString(sync, """
                name: sheet
                source:
                  type: csv
                  url: "%s"
                  key: [order_id]
                destination:
                  type: h2
                  url: "%s"
                  table: orders
                retry: {initialDelay: 100ms}
                state: jdbc:h2:file:%s/state
                """.formatted(url, h2, dir));

        FerryProcess.Result r = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(calls.get()).as("the 503 was retried").isEqualTo(2);
        assertThat(r.err()).contains("downloading").contains(" MB of ");
        JsonNode run = JsonMapper.builder().build().readTree(r.out());
        assertThat(run.get("counters").get("inserted").asLong()).isEqualTo(ROWS);
        JsonNode stats = run.get("stats");
        assertThat(stats.get("bytesDownloaded").asLong()).isEqualTo(body.length);
        assertThat(stats.get("sizeBytes").asLong()).isEqualTo(body.length);
        assertThat(stats.get("lines").asLong()).isEqualTo(ROWS + 1);
        assertThat(stats.get("rows").asLong()).isEqualTo(ROWS);
        try (Connection c = DriverManager.getConnection(h2);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*), sum(amount), max(customer_name) FROM orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(ROWS);
            assertThat(rs.getString(3)).startsWith("Name, ");
        }
    }
}
