package dev.ferry.server;

import dev.ferry.testkit.TaskDetailTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code ferry serve} processes on one PostgreSQL state schema: SIGKILL the node running a sync of a 200k-row
 * table; the other node revives the run after the heartbeat time-out and resumes it from its checkpoint, and the
 * destination ends equal to the source.
 */
class ClusterIT {
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String STATE_SCHEMA = "srv_cluster_state";
    static final String DATA_SCHEMA = "srv_cluster";
    static final int ROWS = 200_000;
    static final String ADMIN = "srv-cluster-admin";
    final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Process::destroyForcibly);
    }

    Connection pg() throws Exception {
        try {
            return DriverManager.getConnection(PG, "postgres", "");
        } catch (java.sql.SQLException e) {
            throw new AssertionError("PostgreSQL at 127.0.0.1:5432 does not answer (start it: see the environment notes)", e);
        }
    }

    record Node(String name, Process process, Api api) {
    }

    Node launch(String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of("target/ferry-server.jar");
        assertThat(jar).as("the server jar (mvn package builds it)").exists();
        Path log = Path.of("target/cluster-" + name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx320m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "serve", "--port", String.valueOf(port),
                "--db-scheduler.scheduler-name=" + name,
                "--db-scheduler.heartbeat-interval=1s",
                "--db-scheduler.missed-heartbeats-limit=4",
                "--db-scheduler.polling-interval=500ms",
                "--ferry.lease-timeout=5s",
                "--ferry.engine-heartbeat=1s")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("FERRY_STATE", PG + "?user=postgres&currentSchema=" + STATE_SCHEMA);
        env.put("FERRY_ADMIN_TOKEN", ADMIN);
        env.put("FERRY_SECRET_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        env.put("FERRY_ALLOW_PRIVATE_HOSTS", "true");
        Process p = pb.start();
        nodes.add(p);
        return new Node(name, p, new Api(port));
    }

    Node ready(Node n) throws Exception {
        Process p = n.process();
        String name = n.name();
        Api api = n.api();
        Path log = Path.of("target/cluster-" + name + ".log");
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            assertThat(p.isAlive()).as("node " + name + " exited; see " + log.toAbsolutePath()).isTrue();
            try {
                if (api.get("/actuator/health/readiness", null).status() == 200) return new Node(name, p, api);
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > until) throw new AssertionError("node " + name + " not ready; see " + log.toAbsolutePath());
            Thread.sleep(500);
        }
    }

    @Test
    void killingTheNodeThatRunsASyncLetsTheOtherResumeIt() throws Exception {
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + STATE_SCHEMA + " CASCADE");
            st.execute("DROP SCHEMA IF EXISTS " + DATA_SCHEMA + " CASCADE");
        }
        Node a = launch("node-a"); // starts while the source table is generated
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute(TaskDetailTable.postgres(DATA_SCHEMA, "src", ROWS));
        }
        ready(a);
        Node b = ready(launch("node-b")); // after a: one node migrates the fresh schema first

        Api.Answer tenant = a.api().post("/api/v1/tenants", ADMIN, "{\"name\":\"cluster\"}");
        assertThat(tenant.status()).isEqualTo(201);
        String token = tenant.json().path("token").asString();
        Api.Answer sync = a.api().call("POST", "/api/v1/syncs", token, "application/yaml", """
                name: taskdetail
                source: {type: postgres, url: "%1$s", user: postgres, password: "", table: %2$s.src, key: [taskdetailkey]}
                destination: {type: postgres, url: "%1$s", user: postgres, password: "", table: %2$s.dst}
                """.formatted(PG, DATA_SCHEMA));
        assertThat(sync.status()).as(sync.body()).isEqualTo(201);
        String syncId = sync.json().path("id").asString();
        Api.Answer run = a.api().post("/api/v1/syncs/" + syncId + "/runs", token, "{\"batchSize\": 2000}");
        assertThat(run.status()).isEqualTo(202);
        String runId = run.json().path("runId").asString();

        // wait until some batches are committed, then kill the node that runs it
        long processed = 0;
        Optional<String> runner = Optional.empty();
        for (int i = 0; i < 600 && processed < 20_000; i++) {
            JsonNode r = a.api().get("/api/v1/runs/" + runId, token).json();
            processed = r.path("counters").path("processed").asLong();
            runner = pickedBy(runId);
            Thread.sleep(50);
        }
        assertThat(runner).isPresent();
        assertThat(processed).as("killed mid-run").isBetween(20_000L, ROWS - 1L);
        Node victim = runner.get().equals("node-a") ? a : b;
        Node survivor = victim == a ? b : a;
        victim.process().destroyForcibly(); // SIGKILL
        victim.process().waitFor();

        Api.Answer done = survivor.api().waitForEnd(runId, token, Duration.ofSeconds(120));
        JsonNode r = done.json();
        assertThat(r.path("status").asString()).as(done.body()).isEqualTo("succeeded");
        assertThat(r.path("counters").path("processed").asLong()).isEqualTo(ROWS);
        assertThat(r.path("resumedFrom").asString()).as("resumed from its checkpoint").isEqualTo(runId);
        assertThat(r.path("stats").path("readThisRun").asLong()).as("the survivor did not start over").isLessThan(ROWS);
        assertThat(pickedByHistory(survivor)).isTrue();
        // the timeline is stored: what the dead node recorded is still there, followed by the survivor's events
        // (a run shows as ended only once its end event is stored: RunEndOrderIT)
        List<String> kinds = new java.util.ArrayList<>();
        r.path("events").forEach(e -> kinds.add(e.path("kind").asString()));
        assertThat(kinds).as(r.path("events").toString()).startsWith("triggered", "started").contains("revived", "resumed").endsWith("completed");
        assertThat(kinds.indexOf("revived")).isGreaterThan(kinds.indexOf("started"));
        JsonNode revived = r.path("events").get(kinds.indexOf("revived"));
        assertThat(revived.path("detail").asString()).contains("revived on node " + survivor.name()).contains("pid " + survivor.process().pid());
        assertThat(r.path("events").get(kinds.indexOf("started")).path("detail").asString())
                .contains("started on node " + victim.name()).contains("pid " + victim.process().pid());
        try (Connection c = pg(); Statement st = c.createStatement()) {
            for (String q : List.of("SELECT COUNT(*) FROM (SELECT * FROM %1$s.dst EXCEPT SELECT * FROM %1$s.src) d",
                    "SELECT COUNT(*) FROM (SELECT * FROM %1$s.src EXCEPT SELECT * FROM %1$s.dst) d")) {
                try (ResultSet rs = st.executeQuery(q.formatted(DATA_SCHEMA))) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(q).isZero();
                }
            }
        }
        System.out.printf("cluster: killed %s at %d rows; %s resumed and finished %d rows (%d read by it)%n",
                victim.name(), processed, survivor.name(), ROWS, r.path("stats").path("readThisRun").asLong());
    }

    private boolean pickedByHistory(Node survivor) throws Exception {
        String log = Files.readString(Path.of("target/cluster-" + survivor.name() + ".log"));
        return log.contains("starting sync=");
    }

    private Optional<String> pickedBy(String runId) throws Exception {
        try (Connection c = pg(); PreparedStatement ps = c.prepareStatement(
                "SELECT picked_by FROM " + STATE_SCHEMA + ".scheduled_tasks WHERE task_name = 'ferry-run' AND task_instance = ? AND picked")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
