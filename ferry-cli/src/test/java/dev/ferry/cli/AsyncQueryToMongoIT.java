package dev.ferry.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data-lake pattern end to end: an async query service (submit, poll, page through results) into MongoDB
 * with the packaged CLI, killed with SIGKILL mid-run and resumed on the same job: the collection equals the lake's
 * rows exactly, and a second run rewrites nothing.
 */
class AsyncQueryToMongoIT {
    static final int ROWS = 20_000, PAGE = 500;
    static final JsonMapper JSON = JsonMapper.builder().build();
    @TempDir Path dir;
    HttpServer lake;
    MongoServer mongo;
    MongoClient client;
    String mongoUrl;
    final Map<String, String> jobs = new ConcurrentHashMap<>();     // id → SQL
    final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    final AtomicInteger submits = new AtomicInteger();

    static String row(int i) {
        return "{\"taskdetailkey\":\"" + String.format("%010d", i) + "\",\"whseid\":\"wmwhse" + (1 + i % 4) + "\",\"sku\":\"SKU-"
                + (i * 7919 % 200000) + "\",\"qty\":" + (i * 13 % 10000) + ".5,\"editdate\":\"2026-01-01T00:00:00Z\"}";
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @BeforeEach
    void start() throws IOException {
        mongo = new MongoServer(new MemoryBackend());
        mongoUrl = "mongodb://127.0.0.1:" + mongo.bind().getPort() + "/?serverSelectionTimeoutMS=3000";
        client = MongoClients.create(mongoUrl);
        lake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        lake.createContext("/api/statements", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/api/statements") && ex.getRequestMethod().equals("POST")) {
                String sql = JSON.readTree(ex.getRequestBody().readAllBytes()).get("query").asString();
                String id = "job" + submits.incrementAndGet();
                jobs.put(id, sql);
                polls.put(id, new AtomicInteger());
                send(ex, 200, "{\"id\":\"" + id + "\"}");
                return;
            }
            String[] parts = path.split("/");   // /api/statements/{id}[/results]
            String id = parts[3];
            String sql = jobs.get(id);
            if (sql == null) {
                send(ex, 404, "{\"error\":{\"message\":\"no such job\"}}");
                return;
            }
            if (parts.length == 4) {             // status: queued, running, then finished
                int n = polls.get(id).incrementAndGet();
                send(ex, 200, "{\"state\":\"" + (n == 1 ? "QUEUED" : n == 2 ? "RUNNING" : "FINISHED") + "\"}");
                return;
            }
            String q = ex.getRequestURI().getQuery();
            int offset = Integer.parseInt(q.replaceAll(".*offset=(\\d+).*", "$1"));
            int limit = Integer.parseInt(q.replaceAll(".*limit=(\\d+).*", "$1"));
            StringBuilder body = new StringBuilder("{\"data\":[");
            if (sql.toUpperCase().contains("COUNT(")) {
                if (offset == 0) body.append("{\"n\":").append(ROWS).append(",\"m\":null}");
            } else {
                int total = sql.toUpperCase().contains("LIMIT 100") ? Math.min(100, ROWS) : ROWS;
                for (int i = offset; i < Math.min(total, offset + limit); i++) {
                    if (i > offset) body.append(',');
                    body.append(row(i + 1));
                }
            }
            send(ex, 200, body.append("]}").toString());
        });
        lake.start();
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.shutdownNow();
        lake.stop(0);
    }

    @Test
    void killedMidRunAndResumedOnTheSameJobTheCollectionEqualsTheLake() throws Exception {
        Path sync = dir.resolve("lake.yaml");
        Files.writeString(sync, """
                name: lake-taskdetail
                source:
                  type: async-query
                  url: "http://127.0.0.1:%d/api"
                  submit: {path: /statements, jobIdPath: /id}
                  status: {path: "/statements/{jobId}", statePath: /state, finished: [FINISHED], failed: [FAILED], errorPath: /error/message, pollInitialMs: 20, pollMaxMs: 50}
                  results: {path: "/statements/{jobId}/results", records: /data, pagination: {style: offset, limit: %d}}
                  table: wms.taskdetail
                  columns: [taskdetailkey, whseid, sku, qty, editdate]
                  where: {whseid: wmwhse1}
                  key: [taskdetailkey]
                destination: {type: mongodb, url: "%s", database: lake, table: taskdetail}
                batch: {size: %d}
                state: jdbc:h2:file:%s/state
                """.formatted(lake.getAddress().getPort(), PAGE, mongoUrl, PAGE, dir));
        MongoCollection<Document> coll = client.getDatabase("lake").getCollection("taskdetail");

        Process p = FerryProcess.start(dir, Map.of(), "run", sync.toString(), "--no-progress");
        long deadline = System.currentTimeMillis() + 60_000;
        while (coll.countDocuments() < 3 * PAGE && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(10);
        boolean interrupted = p.isAlive();
        System.out.println("[AsyncQueryToMongoIT] killed mid-run: " + interrupted + ", documents so far: " + coll.countDocuments());
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int submitsBeforeResume = submits.get();

        FerryProcess.Result resumed = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(resumed.exit()).as(resumed.all()).isZero();
        JsonNode run = JSON.readTree(resumed.out());
        if (interrupted) {
            assertThat(run.get("resumedFrom").isNull()).as("resumed the killed run").isFalse();
            // the main query job was picked up again, not resubmitted (only schema/count jobs may run anew)
            assertThat(jobs.entrySet().stream().skip(0).filter(e -> Integer.parseInt(e.getKey().substring(3)) > submitsBeforeResume)
                    .map(Map.Entry::getValue).filter(sql -> !sql.toUpperCase().contains("COUNT(") && !sql.toUpperCase().contains("LIMIT 100")))
                    .as("main query jobs submitted by the resumed run").isEmpty();
        }
        assertThat(coll.countDocuments()).isEqualTo(ROWS);
        Map<String, Document> byId = new HashMap<>();
        for (Document d : coll.find()) byId.put(d.getString("_id"), d);
        for (int i = 1; i <= ROWS; i++) {
            Document d = byId.get(String.format("%010d", i));
            assertThat(d).as("row %d", i).isNotNull();
            assertThat(d.getString("sku")).isEqualTo("SKU-" + (i * 7919 % 200000));
        }
        // the builder quoted identifiers and the where literal
        assertThat(jobs.values()).anySatisfy(sql -> assertThat(sql).contains("\"wms\".\"taskdetail\"").contains("'wmwhse1'"));

        FerryProcess.Result again = FerryProcess.run(dir, "run", sync.toString(), "--json");
        JsonNode c = JSON.readTree(again.out()).get("counters");
        assertThat(c.get("inserted").asLong()).isZero();
        assertThat(c.get("updated").asLong()).isZero();
        assertThat(c.get("unchanged").asLong()).isEqualTo(ROWS);
        assertThat(List.of(again.exit())).containsExactly(0);
    }
}
