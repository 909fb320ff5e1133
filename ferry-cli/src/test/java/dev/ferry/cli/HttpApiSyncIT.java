package dev.ferry.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A paginated JSON API end to end with the packaged CLI: OAuth2 client credentials, offset paging, a 429 with
 * Retry-After in the middle (retried by the engine), into H2; a second run rewrites nothing; no secret printed.
 */
class HttpApiSyncIT {
    static final int ROWS = 230, LIMIT = 50;
    static final String SECRET = "cs-s3cr3t";
    @TempDir Path dir;
    HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void pagesThroughAnOAuthProtectedApiRetriesARateLimitAndLandsEveryRecord() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        AtomicInteger pageCalls = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/oauth/token", ex -> {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean ok = form.contains("grant_type=client_credentials") && (form.contains(SECRET)
                    || String.valueOf(ex.getRequestHeaders().getFirst("Authorization")).startsWith("Basic "));
            tokens.incrementAndGet();
            send(ex, ok ? 200 : 401, ok ? "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}" : "{\"error\":\"invalid_client\"}");
        });
        server.createContext("/api/customers", ex -> {
            if (!"Bearer tok-1".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "{\"error\":\"no token\"}");
                return;
            }
            if (pageCalls.incrementAndGet() == 3) { // the third request is rate-limited once
                ex.getResponseHeaders().add("Retry-After", "1");
                send(ex, 429, "{\"error\":\"slow down\"}");
                return;
            }
            String q = ex.getRequestURI().getQuery();
            int offset = Integer.parseInt(q.replaceAll(".*offset=(\\d+).*", "$1"));
            StringBuilder body = new StringBuilder("{\"total\":" + ROWS + ",\"items\":[");
            for (int i = offset; i < Math.min(ROWS, offset + LIMIT); i++) {
                if (i > offset) body.append(',');
                body.append("{\"id\":").append(i + 1).append(",\"name\":\"Customer \\\"").append(i + 1)
                        .append("\\\", Ltd\",\"balance\":").append((i * 37) % 1000).append(".25,\"vip\":").append(i % 7 == 0)
                        .append(",\"address\":{\"city\":\"City ").append(i % 10).append("\"}}");
            }
            send(ex, 200, body.append("]}").toString());
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        String h2 = "jdbc:h2:file:" + dir + "/dst";
        Path sync = dir.resolve("api.yaml");
        Files.writeString(sync, """
                name: api-customers
                source:
                  type: http
                  url: "%s/api/customers"
                  records: /items
                  total: /total
                  key: [id]
                  columns: {id: bigint, name: string, balance: "decimal(10,2)", vip: boolean, address.city: string}
                  pagination: {style: offset, limit: %d}
                  auth: {type: oauth2_client_credentials, tokenUrl: "%s/oauth/token", clientId: ferry, clientSecret: "${API_SECRET}"}
                destination: {type: h2, url: "%s", table: customers}
                retry: {initialDelay: 100ms}
                state: jdbc:h2:file:%s/state
                """.formatted(base, LIMIT, base, h2, dir));

        FerryProcess.Result r = FerryProcess.run(dir, Map.of("API_SECRET", SECRET), "run", sync.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.all()).doesNotContain(SECRET);
        JsonNode c = JsonMapper.builder().build().readTree(r.out()).get("counters");
        assertThat(c.get("inserted").asLong()).isEqualTo(ROWS);
        assertThat(c.get("total").asLong()).isEqualTo(ROWS);
        assertThat(pageCalls.get()).as("5 pages and one 429 retried").isEqualTo(ROWS / LIMIT + 1 + 1);
        try (Connection conn = DriverManager.getConnection(h2);
             ResultSet rs = conn.createStatement().executeQuery("SELECT count(*), sum(balance), min(name), count(DISTINCT address_city) FROM customers")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(ROWS);
            long expected = 0;
            for (int i = 0; i < ROWS; i++) expected += (i * 37) % 1000;
            assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(java.math.BigDecimal.valueOf(expected).add(java.math.BigDecimal.valueOf(ROWS * 25L, 2)));
            assertThat(rs.getString(3)).startsWith("Customer \"");
            assertThat(rs.getLong(4)).isEqualTo(10);
        }

        FerryProcess.Result again = FerryProcess.run(dir, Map.of("API_SECRET", SECRET), "run", sync.toString(), "--json");
        JsonNode c2 = JsonMapper.builder().build().readTree(again.out()).get("counters");
        assertThat(c2.get("inserted").asLong()).isZero();
        assertThat(c2.get("updated").asLong()).isZero();
        assertThat(c2.get("unchanged").asLong()).isEqualTo(ROWS);
    }
}
