package dev.ferry.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST API end to end on an embedded H2 state: every status code the issue lists. */
@SpringBootTest(classes = FerryServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ferry.state=jdbc:h2:mem:srv_api_state;DB_CLOSE_DELAY=-1",
        "ferry.admin-token=srv-admin-token",
        "ferry.secret-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "ferry.allow-private-hosts=true",
        "ferry.max-concurrent-runs=3",
        "ferry.webhook-backoff=100ms",
        "ferry.cors-origins=https://app.example",
        "db-scheduler.polling-interval=200ms"})
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerApiIT {
    static final String ADMIN = "srv-admin-token";
    static final String CANARY = "CANARY-5e1f9b27-secret";
    static final String SRC = "jdbc:h2:mem:srv_api_src;DB_CLOSE_DELAY=-1";
    static final String DST = "jdbc:h2:mem:srv_api_dst;DB_CLOSE_DELAY=-1";
    /** Rows of the slow tables, synced one row per batch: a run that stays active for a few seconds. */
    // one-row batches of this many rows last seconds even on a quiet machine (1,500 took 0.1 s): runs stay active
    // long enough for the 409, cancel and schedule-skip checks
    static final int SLOW = 20_000;

    @LocalServerPort
    int port;
    @Autowired
    DataSource state;
    Api api;
    Connection src;
    Connection dst;

    @BeforeAll
    void data() throws Exception {
        api = new Api(port);
        src = DriverManager.getConnection(SRC, "sa", CANARY); // the source's password is the canary secret
        dst = DriverManager.getConnection(DST, "sa", "");
        try (Statement st = src.createStatement()) {
            st.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), v INT)");
            st.execute("INSERT INTO items SELECT x, 'item-' || x, MOD(x, 150) FROM SYSTEM_RANGE(1, 3000)");
            for (String t : List.of("slow1", "slow2", "slow3", "slow4")) {
                st.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, name VARCHAR(40), v INT)");
                st.execute("INSERT INTO " + t + " SELECT x, 'item-' || x, MOD(x, 150) FROM SYSTEM_RANGE(1, " + SLOW + ")");
            }
        }
    }

    String tenant(String name) {
        Api.Answer a = api.post("/api/v1/tenants", ADMIN, "{\"name\":\"" + name + "\"}");
        assertThat(a.status()).isEqualTo(201);
        assertThat(a.json().path("id").asString()).startsWith("t_");
        assertThat(a.json().path("name").asString()).isEqualTo(name);
        return a.json().path("token").asString();
    }

    static String syncJson(String name, String srcTable, String dstTable, int batch) {
        return """
                {"name": "%s",
                 "source": {"type": "h2", "url": "%s", "user": "sa", "password": "%s", "table": "%s", "key": ["id"]},
                 "destination": {"type": "h2", "url": "%s", "user": "sa", "password": "", "table": "%s"},
                 "batch": {"size": %d}}""".formatted(name, SRC, CANARY, srcTable, DST, dstTable, batch);
    }

    String createSync(String token, String json) {
        Api.Answer a = api.post("/api/v1/syncs", token, json);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().path("id").asString();
    }

    String trigger(String token, String syncId) {
        Api.Answer a = api.post("/api/v1/syncs/" + syncId + "/runs", token, null);
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        assertThat(a.json().path("status").asString()).isEqualTo("queued");
        String runId = a.json().path("runId").asString();
        assertThat(a.header("Location")).isEqualTo("/api/v1/runs/" + runId);
        return runId;
    }

    @Test
    void noOrWrongTokenIs401AndTenantCallsNeedATenantToken() throws Exception {
        assertThat(api.get("/api/v1/syncs", null).status()).isEqualTo(401);
        Api.Answer wrong = api.get("/api/v1/syncs", "not-a-token");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.contentType()).startsWith("application/problem+json");
        assertThat(wrong.header("WWW-Authenticate")).startsWith("Bearer");
        String t = tenant("auth-tenant");
        assertThat(api.post("/api/v1/tenants", t, "{\"name\":\"x\"}").status()).isEqualTo(403);
        assertThat(api.get("/api/v1/syncs", ADMIN).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/syncs", t).status()).isEqualTo(200);
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
        Api.Answer ready = api.get("/actuator/health/readiness", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).contains("UP");
        Api.Answer openapi = api.get("/v3/api-docs", null);
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.body()).contains("/api/v1/syncs/{id}/runs", "/api/v1/runs/{runId}");
        Api.Answer preflight = api.call("OPTIONS", "/api/v1/syncs", null, null, null);
        HttpRequest cors = HttpRequest.newBuilder(URI.create(api.base + "/api/v1/syncs")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST").build();
        HttpResponse<String> c = api.http.send(cors, HttpResponse.BodyHandlers.ofString());
        assertThat(c.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
        HttpRequest evil = HttpRequest.newBuilder(URI.create(api.base + "/api/v1/syncs")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST").build();
        assertThat(api.http.send(evil, HttpResponse.BodyHandlers.ofString()).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight.status()).isLessThan(500);
    }

    @Autowired
    dev.ferry.server.service.RetentionService retention;

    @Test
    void webhooksAreSignedAndRetriedAndMetricsCountRuns() throws Exception {
        String secret = "whsec-0123456789abcdef";
        List<String[]> received = java.util.Collections.synchronizedList(new ArrayList<>());
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new String[]{ex.getRequestHeaders().getFirst("X-Ferry-Signature"), body});
            ex.sendResponseHeaders(received.size() == 1 ? 500 : 204, -1); // the first attempt fails
            ex.close();
        });
        hook.start();
        try {
            String t = tenant("hook-tenant");
            String json = syncJson("hooked", "items", "hooked_copy", 1000);
            String id = createSync(t, json.substring(0, json.lastIndexOf('}')) + ", \"webhooks\": [{\"url\": \"http://127.0.0.1:"
                    + hook.getAddress().getPort() + "/hook\", \"secret\": \"" + secret + "\", \"events\": [\"succeeded\", \"failed\"]}]}");
            Api.Answer shown = api.get("/api/v1/syncs/" + id, t);
            assertThat(shown.json().path("webhooks").get(0).path("secret").asString()).isEqualTo("******");
            assertThat(shown.body()).doesNotContain(secret);
            String runId = trigger(t, id);
            api.waitForEnd(runId, t, Duration.ofSeconds(60));
            for (int i = 0; i < 100 && received.size() < 2; i++) Thread.sleep(100);
            assertThat(received).hasSize(2);
            for (String[] r : received) {
                assertThat(r[0]).isEqualTo("sha256=" + dev.ferry.server.service.WebhookService.sign(secret, r[1]));
                assertThat(Api.JSON.readTree(r[1]).path("run").path("status").asString()).isEqualTo("succeeded");
                assertThat(Api.JSON.readTree(r[1]).path("event").asString()).isEqualTo("run.succeeded");
            }
            JsonNode deliveries = api.get("/api/v1/runs/" + runId + "/webhooks", t).json();
            for (int i = 0; i < 50 && !deliveries.get(0).path("status").asString().equals("delivered"); i++) {
                Thread.sleep(100);
                deliveries = api.get("/api/v1/runs/" + runId + "/webhooks", t).json();
            }
            assertThat(deliveries.get(0).path("status").asString()).isEqualTo("delivered");
            assertThat(deliveries.get(0).path("attempts").asInt()).isEqualTo(2);
            // a metadata address is refused for webhooks too
            String j2 = syncJson("hooked2", "items", "hooked2_copy", 1000);
            Api.Answer ssrf = api.post("/api/v1/syncs", t, j2.substring(0, j2.lastIndexOf('}'))
                    + ", \"webhooks\": [{\"url\": \"http://169.254.169.254/latest\", \"secret\": \"" + secret + "\"}]}");
            assertThat(ssrf.status()).isEqualTo(400);
            assertThat(ssrf.body()).contains("webhooks[0].url");
        } finally {
            hook.stop(0);
        }
        String metrics = api.get("/actuator/prometheus", null).body();
        assertThat(metrics).contains("ferry_runs_total{status=\"succeeded\"}", "ferry_batch_latency_seconds_count", "ferry_rows_total");
    }

    @Test
    void finishedRunsAreDeletedAfterTheRetentionPeriod() throws Exception {
        String t = tenant("retention-tenant");
        String id = createSync(t, syncJson("kept", "items", "kept_copy", 1000));
        String runId = trigger(t, id);
        api.waitForEnd(runId, t, Duration.ofSeconds(60));
        java.time.Instant now = java.time.Instant.now();
        retention.purge(now.plus(Duration.ofDays(6))); // within 7 days: kept
        assertThat(api.get("/api/v1/runs/" + runId, t).status()).isEqualTo(200);
        assertThat(retention.purge(now.plus(Duration.ofDays(8)))).isPositive();
        assertThat(api.get("/api/v1/runs/" + runId, t).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/syncs/" + id + "/runs", t).json().path("total").asLong()).isZero();
        assertThat(api.get("/api/v1/syncs/" + id, t).status()).as("the sync itself stays").isEqualTo(200);
    }

    @Test
    void syncsAreValidatedWithEveryProblemAndSecretsMaskedAndEncrypted() throws Exception {
        String t = tenant("sync-tenant");
        Api.Answer bad = api.post("/api/v1/syncs", t, """
                {"name": "bad name", "source": {"type": "h2", "url": "jdbc:h2:mem:x"},
                 "destination": {"type": "postgres", "url": "jdbc:postgresql://169.254.169.254/db?sslfactory=x", "table": "t"},
                 "batch": {"size": 0}, "schedule": {"every": "soon"}}""");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        List<String> paths = new ArrayList<>();
        bad.json().path("errors").forEach(e -> paths.add(e.path("path").asString()));
        assertThat(paths).contains("name", "source.table", "source.key", "destination.url", "batch.size", "schedule.every");

        String id = createSync(t, syncJson("orders", "items", "orders_copy", 500));
        Api.Answer got = api.get("/api/v1/syncs/" + id, t);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().path("source").path("password").asString()).isEqualTo("******");
        assertThat(got.body()).doesNotContain(CANARY);
        // the same structure as YAML
        Api.Answer yaml = api.call("POST", "/api/v1/syncs", t, "application/yaml", """
                name: orders-yaml
                source: {type: h2, url: "%s", user: sa, password: "%s", table: items, key: [id]}
                destination: {type: h2, url: "%s", user: sa, table: orders_yaml}
                """.formatted(SRC, CANARY, DST));
        assertThat(yaml.status()).as(yaml.body()).isEqualTo(201);
        assertThat(yaml.json().path("source").path("password").asString()).isEqualTo("******");
        // an update that sends the mask back keeps the stored secret; the run below proves it still connects
        Api.Answer put = api.call("PUT", "/api/v1/syncs/" + id, t, "application/json",
                syncJson("orders", "items", "orders_copy", 700).replace(CANARY, "******"));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().path("batch").path("size").asInt()).isEqualTo(700);
        // duplicate name
        assertThat(api.post("/api/v1/syncs", t, syncJson("orders", "items", "x", 10)).status()).isEqualTo(409);

        // another tenant sees nothing of it
        String other = tenant("nosy-tenant");
        assertThat(api.get("/api/v1/syncs/" + id, other).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/syncs/" + id + "/runs", other, null).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/syncs", other).json().size()).isZero();

        String runId = trigger(t, id);
        assertThat(api.get("/api/v1/runs/" + runId, other).status()).isEqualTo(404);
        Api.Answer done = api.waitForEnd(runId, t, Duration.ofSeconds(60));
        JsonNode run = done.json();
        assertThat(run.path("status").asString()).as(done.body()).isEqualTo("succeeded");
        assertThat(run.path("syncId").asString()).isEqualTo(id);
        assertThat(run.path("counters").path("inserted").asLong()).isEqualTo(3000);
        assertThat(run.path("counters").path("total").asLong()).isEqualTo(3000);
        assertThat(run.path("percentComplete").asDouble()).isEqualTo(100.0);
        assertThat(run.path("options").path("batchSize").asInt()).isEqualTo(700);
        for (String f : List.of("runId", "phase", "startedAt", "finishedAt", "message", "error")) assertThat(run.has(f)).as(f).isTrue();
        String digest = "SELECT COUNT(*) || ':' || SUM(id * 7 + v) || ':' || SUM(LENGTH(name)) FROM ";
        assertThat(scalar(dst, digest + "orders_copy")).isEqualTo(scalar(src, digest + "items"));
        assertThat(api.get("/api/v1/runs/20990101-000000-deadbeef", t).status()).isEqualTo(404);
        Api.Answer history = api.get("/api/v1/syncs/" + id + "/runs?page=0&size=10", t);
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json().path("items").get(0).path("runId").asString()).isEqualTo(runId);
        Api.Answer stats = api.get("/api/v1/stats", t);
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.body()).contains("\"lastStatus\":\"succeeded\"");

        // delete
        assertThat(api.call("DELETE", "/api/v1/syncs/" + id, other, null, null).status()).isEqualTo(404);
        assertThat(api.call("DELETE", "/api/v1/syncs/" + id, t, null, null).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/syncs/" + id, t).status()).isEqualTo(404);
    }

    @Test
    void fiftyConcurrentTriggersGiveOneRunAnd49ConflictsThenCancelAndRetryResume() throws Exception {
        String t = tenant("race-tenant");
        String id = createSync(t, syncJson("slow", "slow1", "slow1_copy", 1)); // one-row batches: a few seconds
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Callable<Api.Answer>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) calls.add(() -> api.post("/api/v1/syncs/" + id + "/runs", t, null));
        List<Api.Answer> answers = new ArrayList<>();
        for (Future<Api.Answer> f : pool.invokeAll(calls)) answers.add(f.get());
        pool.shutdown();
        List<Api.Answer> accepted = answers.stream().filter(a -> a.status() == 202).toList();
        assertThat(accepted).hasSize(1);
        String runId = accepted.get(0).json().path("runId").asString();
        List<Api.Answer> conflicts = answers.stream().filter(a -> a.status() == 409).toList();
        assertThat(conflicts).hasSize(49);
        assertThat(conflicts).allSatisfy(c -> {
            assertThat(c.contentType()).startsWith("application/problem+json");
            assertThat(c.json().path("activeRunId").asString()).isEqualTo(runId);
            assertThat(c.json().path("detail").asString()).contains(runId);
        });

        // live events while it runs, then cancel: it stops at a batch boundary with its checkpoint kept
        waitForProcessed(runId, t, 50);
        Api.Answer cancel = api.post("/api/v1/runs/" + runId + "/cancel", t, null);
        assertThat(cancel.status()).isEqualTo(202);
        Api.Answer cancelled = api.waitForEnd(runId, t, Duration.ofSeconds(30));
        assertThat(cancelled.json().path("status").asString()).isEqualTo("cancelled");
        long processed = cancelled.json().path("counters").path("processed").asLong();
        assertThat(processed).isBetween(50L, SLOW - 1L);
        assertThat(api.post("/api/v1/runs/" + runId + "/cancel", t, null).status()).isEqualTo(409);

        Api.Answer retry = api.post("/api/v1/runs/" + runId + "/retry", t, null);
        assertThat(retry.status()).as(retry.body()).isEqualTo(202);
        String second = retry.json().path("runId").asString();
        assertThat(retry.header("Location")).isEqualTo("/api/v1/runs/" + second);
        List<String> events = sse(second, t);
        assertThat(events).anyMatch(e -> e.startsWith("event:progress"));
        assertThat(events.get(events.size() - 2)).isEqualTo("event:done");
        Api.Answer resumed = api.waitForEnd(second, t, Duration.ofSeconds(60));
        assertThat(resumed.json().path("status").asString()).isEqualTo("succeeded");
        assertThat(resumed.json().path("resumedFrom").asString()).isEqualTo(runId);
        assertThat(resumed.json().path("counters").path("processed").asLong()).isEqualTo(SLOW);
        assertThat(resumed.json().path("stats").path("readThisRun").asLong()).isLessThanOrEqualTo(SLOW - processed + 1);
        assertThat(api.post("/api/v1/runs/" + second + "/retry", t, null).status()).isEqualTo(409);
    }

    @Test
    void aTenantAboveItsConcurrentRunLimitGets429WithRetryAfter() throws Exception {
        String t = tenant("busy-tenant");
        List<String> syncs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) syncs.add(createSync(t, syncJson("busy" + i, "slow" + (1 + i % 4), "busy" + i + "_copy", 1)));
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Callable<Api.Answer>> calls = new ArrayList<>();
        for (String s : syncs) calls.add(() -> api.post("/api/v1/syncs/" + s + "/runs", t, null));
        List<Api.Answer> answers = new ArrayList<>();
        for (Future<Api.Answer> f : pool.invokeAll(calls)) answers.add(f.get());
        pool.shutdown();
        // the limit is 3: concurrent triggers on different destinations cannot overshoot it
        assertThat(answers).filteredOn(a -> a.status() == 202).hasSize(3);
        List<Api.Answer> limited = answers.stream().filter(a -> a.status() == 429).toList();
        assertThat(limited).hasSize(2).allSatisfy(a -> {
            assertThat(a.header("Retry-After")).matches("\\d+");
            assertThat(a.contentType()).startsWith("application/problem+json");
        });
        List<String> runs = answers.stream().filter(a -> a.status() == 202).map(a -> a.json().path("runId").asString()).toList();
        for (String r : runs) api.post("/api/v1/runs/" + r + "/cancel", t, null);
        for (String r : runs) api.waitForEnd(r, t, Duration.ofSeconds(30));
        String fourth = createSync(t, syncJson("busy6", "items", "busy6_copy", 100));
        assertThat(api.post("/api/v1/syncs/" + fourth + "/runs", t, null).status()).isEqualTo(202);
    }

    @Test
    void refusedRecordsAreDeadLetteredPagedAndReplayed() throws Exception {
        try (Statement st = dst.createStatement()) {
            st.execute("CREATE TABLE strict_copy (id INT PRIMARY KEY, name VARCHAR(40), v INT CHECK (v < 140))");
        }
        String t = tenant("dl-tenant");
        String id = createSync(t, syncJson("strict", "items", "strict_copy", 1000));
        String runId = trigger(t, id);
        Api.Answer done = api.waitForEnd(runId, t, Duration.ofSeconds(60));
        assertThat(done.json().path("status").asString()).as(done.body()).isEqualTo("partial");
        long failed = done.json().path("counters").path("failed").asLong();
        assertThat(failed).isEqualTo(3000 / 150 * 10); // v = 140..149 in every 150
        Api.Answer page = api.get("/api/v1/runs/" + runId + "/dead-letters?page=1&size=50", t);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().path("total").asLong()).isEqualTo(failed);
        assertThat(page.json().path("items").size()).isEqualTo((int) Math.min(50, failed - 50));
        assertThat(page.json().path("items").get(0).path("reason").asString()).isNotBlank();
        try (Statement st = dst.createStatement()) {
            st.execute("ALTER TABLE strict_copy DROP CONSTRAINT " + checkName());
        }
        Api.Answer replay = api.post("/api/v1/runs/" + runId + "/dead-letters/replay", t, null);
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        assertThat(replay.json().path("status").asString()).isEqualTo("succeeded");
        assertThat(api.get("/api/v1/runs/" + runId + "/dead-letters", t).json().path("total").asLong()).isZero();
    }

    @Test
    void aScheduleFiresRunsAndAFireWhileActiveIsRecordedAsSkipped() throws Exception {
        String t = tenant("sched-tenant");
        String json = syncJson("sched", "slow1", "sched_copy", 1);
        String id = createSync(t, json.substring(0, json.lastIndexOf('}')) + ", \"schedule\": {\"every\": \"1s\"}}");
        assertThat(api.get("/api/v1/syncs/" + id, t).json().path("schedule").path("every").asString()).isEqualTo("1s");
        JsonNode items = null;
        for (int i = 0; i < 200; i++) {
            items = api.get("/api/v1/syncs/" + id + "/runs?size=50", t).json().path("items");
            boolean fired = false, skipped = false;
            for (JsonNode r : items) {
                fired |= r.path("trigger").asString().equals("schedule") && !r.path("status").asString().equals("skipped");
                skipped |= r.path("status").asString().equals("skipped") && r.path("message").asString().contains("still active");
            }
            if (fired && skipped) break;
            Thread.sleep(100);
        }
        assertThat(items).anySatisfy(r -> assertThat(r.path("status").asString()).isEqualTo("skipped"));
        // no schedule any more: no more fires
        Api.Answer put = api.call("PUT", "/api/v1/syncs/" + id, t, "application/json", json);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        for (JsonNode r : api.get("/api/v1/syncs/" + id + "/runs?size=50", t).json().path("items")) {
            String s = r.path("status").asString();
            if (s.equals("queued") || s.equals("running")) {
                api.post("/api/v1/runs/" + r.path("runId").asString() + "/cancel", t, null);
                api.waitForEnd(r.path("runId").asString(), t, Duration.ofSeconds(30));
            }
        }
        long before = api.get("/api/v1/syncs/" + id + "/runs", t).json().path("total").asLong();
        Thread.sleep(2500);
        assertThat(api.get("/api/v1/syncs/" + id + "/runs", t).json().path("total").asLong()).isEqualTo(before);
    }

    @Autowired
    dev.ferry.core.Connectors connectors;

    @Test
    void retriesAreListedWithTheirReasonsInAStoredTimelineThatAnotherServerShowsToo() throws Exception {
        // a source that fails twice with a transient error (like a rate limit) on its 2nd batch, then recovers
        dev.ferry.testkit.FakeSource flaky = new dev.ferry.testkit.FakeSource().putAll(new dev.ferry.testkit.RowGenerator(7).rows(500));
        flaky.failOnNext(2, 2, dev.ferry.testkit.Failure.RETRIABLE);
        connectors.add(new dev.ferry.testkit.FakeSourceFactory().register("flaky", flaky));
        String t = tenant("retry-tenant");
        String id = createSync(t, """
                {"name": "flaky", "source": {"type": "fake", "name": "flaky", "table": "items", "key": ["id"]},
                 "destination": {"type": "h2", "url": "%s", "user": "sa", "password": "", "table": "flaky_copy"},
                 "batch": {"size": 100}, "retry": {"initialDelay": "10ms", "maxDelay": "50ms"}}""".formatted(DST));
        String runId = trigger(t, id);
        JsonNode run = api.waitForEnd(runId, t, Duration.ofSeconds(60)).json();
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.path("counters").path("inserted").asLong()).isEqualTo(500);
        assertThat(run.path("stats").path("retries").asLong()).isEqualTo(2);
        JsonNode retries = run.path("retries");
        assertThat(retries).hasSize(2);
        assertThat(retries.get(0).path("detail").asString()).startsWith("retry 1: ").contains("injected transient failure");
        assertThat(retries.get(1).path("detail").asString()).startsWith("retry 2: ");
        List<String> kinds = new ArrayList<>();
        run.path("events").forEach(e -> kinds.add(e.path("kind").asString()));
        assertThat(kinds).startsWith("triggered", "started").contains("phase", "batch", "retry").endsWith("completed");
        assertThat(kinds.indexOf("retry")).isLessThan(kinds.lastIndexOf("batch"));
        assertThat(run.path("events").get(kinds.size() - 1).path("detail").asString()).startsWith("ended succeeded");
        long batchRows = 0;
        for (JsonNode e : run.path("events")) {
            if (e.path("kind").asString().equals("batch")) batchRows += Long.parseLong(e.path("detail").asString().replaceAll(".*committed: (\\d+) rows", "$1"));
        }
        assertThat(batchRows).as("the coalesced batch events add up to the rows").isEqualTo(500);

        // a second server on the same state (a restarted node) shows the same timeline: it is stored, not kept in memory
        try (org.springframework.context.ConfigurableApplicationContext other = new org.springframework.boot.builder.SpringApplicationBuilder(FerryServer.class)
                .properties("server.port=0", "ferry.state=jdbc:h2:mem:srv_api_state;DB_CLOSE_DELAY=-1", "ferry.admin-token=srv-admin-token",
                        "ferry.secret-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "ferry.allow-private-hosts=true",
                        "db-scheduler.polling-interval=10s")
                .run()) {
            int port2 = ((org.springframework.boot.web.server.context.WebServerApplicationContext) other).getWebServer().getPort();
            JsonNode again = new Api(port2).get("/api/v1/runs/" + runId, t).json();
            assertThat(again.path("events")).isEqualTo(run.path("events"));
            assertThat(again.path("retries")).isEqualTo(retries);
        }
    }

    @Test
    void aSyncInItsCooldownAnswers429WithRetryAfterUntilItHasPassed() throws Exception {
        String t = tenant("cooldown-tenant");
        String json = syncJson("cooled", "items", "cooled_copy", 1000);
        Api.Answer bad = api.post("/api/v1/syncs", t, json.substring(0, json.lastIndexOf('}')) + ", \"cooldown\": \"soon\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("path").asString()).isEqualTo("cooldown");
        String id = createSync(t, json.substring(0, json.lastIndexOf('}')) + ", \"cooldown\": \"1h\"}");
        assertThat(api.get("/api/v1/syncs/" + id, t).json().path("cooldown").asString()).isEqualTo("1h");
        String runId = trigger(t, id); // no run has ended yet: no cool-down
        api.waitForEnd(runId, t, Duration.ofSeconds(60));
        Api.Answer cooling = api.post("/api/v1/syncs/" + id + "/runs", t, null);
        assertThat(cooling.status()).isEqualTo(429);
        assertThat(cooling.contentType()).startsWith("application/problem+json");
        assertThat(cooling.json().path("detail").asString()).contains("cooling down");
        assertThat(Long.parseLong(cooling.header("Retry-After"))).isBetween(3500L, 3600L);
        // a shorter cool-down that has passed lets it run again
        api.call("PUT", "/api/v1/syncs/" + id, t, "application/json", json.substring(0, json.lastIndexOf('}')) + ", \"cooldown\": \"1s\"}");
        Thread.sleep(1100);
        api.waitForEnd(trigger(t, id), t, Duration.ofSeconds(60));
    }

    @Test
    void previewSaysWhatARunWouldDoFieldByFieldAndWritesNothing() throws Exception {
        String t = tenant("preview-tenant");
        try (Statement st = src.createStatement()) {
            st.execute("CREATE TABLE preview_src (id INT PRIMARY KEY, name VARCHAR(40), v INT)");
            st.execute("INSERT INTO preview_src SELECT * FROM items WHERE id <= 200");
        }
        String id = createSync(t, syncJson("previewed", "preview_src", "preview_copy", 50));
        Api.Answer first = api.post("/api/v1/syncs/" + id + "/preview", t, "{\"samples\": 3}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("dryRun").asBoolean()).isTrue();
        assertThat(first.json().path("counters").path("inserted").asLong()).isEqualTo(200);
        assertThat(first.json().path("samples").path("inserted")).hasSize(3);
        assertThat(scalar(dst, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'PREVIEW_COPY'")).as("no table created").isEqualTo("0");
        assertThat(api.get("/api/v1/syncs/" + id + "/runs", t).json().path("total").asLong()).as("no run recorded").isZero();
        api.waitForEnd(trigger(t, id), t, Duration.ofSeconds(60));
        try (Statement st = src.createStatement()) {
            st.execute("UPDATE preview_src SET name = 'renamed' WHERE id = 7");
        }
        JsonNode second = api.post("/api/v1/syncs/" + id + "/preview", t, null).json();
        assertThat(second.path("counters").path("updated").asLong()).isEqualTo(1);
        JsonNode sample = second.path("samples").path("updated").get(0);
        assertThat(sample.path("key").asString()).contains("7");
        assertThat(sample.toString()).contains("item-7", "renamed");
        assertThat(scalar(dst, "SELECT name FROM preview_copy WHERE id = 7")).as("the preview wrote nothing").isEqualTo("item-7");
        // the run that follows does what the preview said
        JsonNode run = api.waitForEnd(trigger(t, id), t, Duration.ofSeconds(60)).json();
        assertThat(run.path("counters").path("updated").asLong()).isEqualTo(1);
        assertThat(api.post("/api/v1/syncs/" + id + "/preview", t, "{\"samples\": 1000}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/syncs/" + id + "/preview", tenant("preview-other"), null).status()).isEqualTo(404);
    }

    @Test
    void previewOfADedupSyncCountsMergesAsTheRunThatFollowsAndWritesNothing() throws Exception {
        String t = tenant("dpv-tenant");
        try (Statement st = src.createStatement()) {
            st.execute("CREATE TABLE dpv_contacts (id BIGINT PRIMARY KEY, first_name VARCHAR(50), last_name VARCHAR(50), email VARCHAR(100), "
                    + "phone VARCHAR(30), street VARCHAR(100), city VARCHAR(50), zip VARCHAR(10), company VARCHAR(50), birth_date VARCHAR(10))");
            st.execute("INSERT INTO dpv_contacts VALUES "
                    + "(1, 'Robert', 'Müller', 'rob.mueller@gmail.com', '(212) 555-0143', '12 Main Street', 'New York', '10001', 'Acme Inc.', '1980-03-12'),"
                    + "(2, 'Bob', 'Mueller', 'bob@newjob.com', '+1 212-555-0143', NULL, NULL, NULL, NULL, NULL),"
                    + "(3, 'Anna', 'Mueller', 'anna.m@yahoo.com', '(212) 555-0143', '12 Main Street', 'New York', '10001', NULL, NULL),"
                    + "(4, 'Robert', 'Mueller', 'rob.mueller@gmail.com', NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        String id = createSync(t, """
                {"name": "dpv_dedup",
                 "source": {"type": "h2", "url": "%s", "user": "sa", "password": "%s", "table": "dpv_contacts", "key": ["id"]},
                 "destination": {"type": "h2", "url": "%s", "user": "sa", "password": "", "table": "dpv_clean"},
                 "dedup": {"preset": "contacts"},
                 "batch": {"size": 2}}""".formatted(SRC, CANARY, DST));
        // batches of two: records 3 and 4 meet masters founded by the first batch, which the preview never wrote
        JsonNode first = api.post("/api/v1/syncs/" + id + "/preview", t, "{\"samples\": 5}").json();
        assertThat(first.path("counters").path("inserted").asLong()).as(first.toString()).isEqualTo(2);
        assertThat(first.path("counters").path("merged").asLong()).isEqualTo(2);
        JsonNode merge = first.path("samples").path("merged").get(0);
        assertThat(merge.path("key").asString()).as(merge.toString()).isEqualTo("1");
        assertThat(merge.path("fields").path("FIRST_NAME").path("old").asString()).as(merge.toString()).isEqualTo("Robert");
        assertThat(merge.path("fields").path("FIRST_NAME").path("new").asString()).isEqualTo("Bob");
        assertThat(scalar(dst, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'DPV_CLEAN%'")).as("no table created").isEqualTo("0");
        JsonNode run = api.waitForEnd(trigger(t, id), t, Duration.ofSeconds(60)).json();
        for (String kind : List.of("inserted", "updated", "unchanged", "merged")) {
            assertThat(run.path("counters").path(kind).asLong()).as(kind).isEqualTo(first.path("counters").path(kind).asLong());
        }
        // a duplicate of master 3, and the rest unchanged
        try (Statement st = src.createStatement()) {
            st.execute("INSERT INTO dpv_contacts VALUES (5, 'Anna', 'Müller', 'anna.m@yahoo.com', NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        String links = scalar(dst, "SELECT COUNT(*) FROM dpv_clean__links");
        JsonNode second = api.post("/api/v1/syncs/" + id + "/preview", t, null).json();
        assertThat(second.path("counters").path("merged").asLong()).isEqualTo(1);
        assertThat(second.path("counters").path("unchanged").asLong()).isEqualTo(4);
        assertThat(second.path("counters").path("inserted").asLong()).isZero();
        assertThat(scalar(dst, "SELECT COUNT(*) FROM dpv_clean__links")).as("the preview linked nothing").isEqualTo(links);
        JsonNode again = api.waitForEnd(trigger(t, id), t, Duration.ofSeconds(60)).json();
        assertThat(again.path("counters").path("merged").asLong()).isEqualTo(1);
        assertThat(again.path("counters").path("unchanged").asLong()).isEqualTo(4);
    }

    @Test
    void conflictsOfABidirectionalSyncAreListedResolvedAndAppliedAtTheNextRun() throws Exception {
        for (Connection c : List.of(src, dst)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE contacts (id BIGINT PRIMARY KEY, name VARCHAR(100), phone VARCHAR(40))");
                st.execute("INSERT INTO contacts SELECT x, 'person-' || x, '555-' || x FROM SYSTEM_RANGE(1, 20)");
            }
        }
        String t = tenant("bidi-tenant");
        String id = createSync(t, """
                {"name": "contacts", "direction": "bidirectional",
                 "a": {"type": "h2", "url": "%s", "user": "sa", "password": "%s", "table": "contacts", "key": ["id"]},
                 "b": {"type": "h2", "url": "%s", "user": "sa", "password": "", "table": "contacts", "key": ["id"]},
                 "conflicts": {"strategy": "manual"}}""".formatted(SRC, CANARY, DST));
        JsonNode base = api.waitForEnd(trigger(t, id), t, Duration.ofSeconds(60)).json();
        assertThat(base.path("status").asString()).as(base.toString()).isEqualTo("succeeded");
        try (Statement a = src.createStatement(); Statement b = dst.createStatement()) {
            a.execute("UPDATE contacts SET name = 'Ann (a)' WHERE id = 3");
            b.execute("UPDATE contacts SET name = 'Ann (b)' WHERE id = 3");
            a.execute("UPDATE contacts SET phone = '555-0000' WHERE id = 4");
        }
        JsonNode preview = api.post("/api/v1/syncs/" + id + "/preview", t, null).json();
        assertThat(preview.path("direction").asString()).isEqualTo("bidirectional");
        assertThat(preview.path("counters").path("conflicts").asLong()).isEqualTo(1);
        assertThat(scalar(dst, "SELECT phone FROM contacts WHERE id = 4")).as("preview writes nothing").isEqualTo("555-4");
        JsonNode second = api.waitForEnd(trigger(t, id), t, Duration.ofSeconds(60)).json();
        assertThat(second.path("status").asString()).isEqualTo("succeeded");
        assertThat(scalar(dst, "SELECT phone FROM contacts WHERE id = 4")).as("a one-sided change is carried").isEqualTo("555-0000");

        JsonNode pending = api.get("/api/v1/syncs/" + id + "/conflicts", t).json();
        assertThat(pending).hasSize(1);
        JsonNode c = pending.get(0);
        assertThat(c.path("key").asString()).contains("3");
        assertThat(c.path("field").asString()).isEqualToIgnoringCase("name");
        assertThat(c.path("base").asString()).isEqualTo("person-3");
        assertThat(c.path("a").asString()).isEqualTo("Ann (a)");
        assertThat(c.path("b").asString()).isEqualTo("Ann (b)");
        assertThat(c.path("status").asString()).isEqualTo("pending");
        long cid = c.path("id").asLong();
        String resolve = "/api/v1/syncs/" + id + "/conflicts/" + cid + "/resolve";
        assertThat(api.post(resolve, t, "{}").status()).isEqualTo(400);
        assertThat(api.post(resolve, t, "{\"take\": \"c\"}").status()).isEqualTo(400);
        assertThat(api.post(resolve, tenant("bidi-other"), "{\"take\": \"b\"}").status()).as("another tenant's").isEqualTo(404);
        Api.Answer done = api.post(resolve, t, "{\"take\": \"b\", \"by\": \"alice\"}");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().path("status").asString()).isEqualTo("resolved");
        assertThat(done.json().path("resolution").asString()).isEqualTo("Ann (b)");
        assertThat(done.json().path("resolvedBy").asString()).isEqualTo("user:alice");
        assertThat(api.post(resolve, t, "{\"value\": \"x\"}").status()).as("decided already").isEqualTo(409);
        assertThat(api.get("/api/v1/syncs/" + id + "/conflicts", t).json()).isEmpty();
        assertThat(scalar(src, "SELECT name FROM contacts WHERE id = 3")).as("applied at the next run, not before").isEqualTo("Ann (a)");

        api.waitForEnd(trigger(t, id), t, Duration.ofSeconds(60));
        assertThat(scalar(src, "SELECT name FROM contacts WHERE id = 3")).isEqualTo("Ann (b)");
        assertThat(scalar(dst, "SELECT name FROM contacts WHERE id = 3")).isEqualTo("Ann (b)");
        JsonNode all = api.get("/api/v1/syncs/" + id + "/conflicts?status=all", t).json();
        assertThat(all).hasSize(1);
        assertThat(all.get(0).path("status").asString()).isEqualTo("applied");
        assertThat(api.get("/api/v1/syncs/" + id + "/conflicts/" + cid, t).json().path("status").asString()).isEqualTo("applied");
        assertThat(api.get("/api/v1/syncs/" + id + "/conflicts?status=maybe", t).status()).isEqualTo(400);
        String oneWay = createSync(t, syncJson("one-way", "items", "oneway_copy", 1000));
        assertThat(api.get("/api/v1/syncs/" + oneWay + "/conflicts", t).status()).isEqualTo(409);
    }

    private static String scalar(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String checkName() throws Exception {
        try (Statement st = dst.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT constraint_name FROM information_schema.table_constraints WHERE table_name = 'STRICT_COPY' AND constraint_type = 'CHECK'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theCanarySecretIsInNoAnswerNoLogAndNotInTheStateDatabase(CapturedOutput output) throws Exception {
        String t = tenant("canary-tenant");
        String id = createSync(t, syncJson("canary", "items", "canary_copy", 1000));
        String runId = trigger(t, id);
        assertThat(api.waitForEnd(runId, t, Duration.ofSeconds(60)).json().path("status").asString()).isEqualTo("succeeded");
        api.get("/api/v1/syncs", t);
        api.get("/api/v1/syncs/" + id, t);
        api.get("/api/v1/syncs/" + id + "/runs", t);
        // a failing run (wrong table) must not print the secret in its error either
        String bad = createSync(t, syncJson("canary-bad", "no_such_table", "x_copy", 10));
        api.waitForEnd(trigger(t, bad), t, Duration.ofSeconds(60));
        assertThat(api.answers).isNotEmpty().noneMatch(a -> a.contains(CANARY));
        assertThat(output.getAll()).doesNotContain(CANARY);
        StringBuilder dump = new StringBuilder();
        try (Connection c = state.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SCRIPT")) {
            while (rs.next()) dump.append(rs.getString(1)).append('\n');
        }
        assertThat(dump).contains("fs_syncs".toUpperCase()).doesNotContain(CANARY);
    }

    private void waitForProcessed(String runId, String token, long rows) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (api.get("/api/v1/runs/" + runId, token).json().path("counters").path("processed").asLong() >= rows) return;
            Thread.sleep(50);
        }
        throw new AssertionError("run " + runId + " did not progress");
    }

    private List<String> sse(String runId, String token) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(api.base + "/api/v1/runs/" + runId + "/events"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build();
        HttpResponse<java.io.InputStream> r = api.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("event:") || line.startsWith("data:")) lines.add(line.replace("event: ", "event:"));
            }
        }
        return lines;
    }
}
