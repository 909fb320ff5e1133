package dev.ferry.server;

import dev.ferry.core.RunInfo;
import dev.ferry.server.service.RunService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that sees a run ended finds its whole stored timeline. The engine saves the run's final status and then
 * tells the server's listener (and its observers) the end; the server stores the "completed" event after that. An
 * observer looks at the run exactly in that gap, as a polling client could.
 */
@SpringBootTest(classes = {FerryServer.class, RunEndOrderIT.Peek.class}, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "ferry.state=jdbc:h2:mem:sm_order_state;DB_CLOSE_DELAY=-1",
                "ferry.admin-token=sm-order-admin",
                "ferry.secret-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "ferry.allow-private-hosts=true",
                "db-scheduler.polling-interval=200ms"})
class RunEndOrderIT {
    static final String SRC = "jdbc:h2:mem:sm_order_src;DB_CLOSE_DELAY=-1";
    static final String DST = "jdbc:h2:mem:sm_order_dst;DB_CLOSE_DELAY=-1";

    /** What the run's detail said when the engine had told its end, before the server finished the run. */
    record Seen(String status, List<String> kinds) {
    }

    static final List<Seen> SEEN = java.util.Collections.synchronizedList(new ArrayList<>());

    @TestConfiguration
    static class Peek {
        @Bean
        RunService.RunObserver peekAtTheEnd(ObjectProvider<RunService> runs) {
            return new RunService.RunObserver() {
                @Override
                public void progress(RunService.RunRow row, RunInfo info) {
                    if (!info.status().finished()) return;
                    RunService service = runs.getObject();
                    Map<String, Object> detail = service.detail(service.get(row.tenantId(), row.runId()));
                    List<String> kinds = new ArrayList<>();
                    for (Object e : (List<?>) detail.get("events")) kinds.add(String.valueOf(((Map<?, ?>) e).get("kind")));
                    SEEN.add(new Seen(String.valueOf(detail.get("status")), kinds));
                }

                @Override
                public void finished(RunService.RunRow row, Optional<RunInfo> info) {
                }
            };
        }
    }

    @LocalServerPort
    int port;

    @Test
    void whenARunShowsAsEndedItsTimelineAlreadyEndsWithTheEndEvent() throws Exception {
        try (Connection src = DriverManager.getConnection(SRC, "sa", ""); Statement st = src.createStatement()) {
            st.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40))");
            st.execute("INSERT INTO items SELECT x, 'item-' || x FROM SYSTEM_RANGE(1, 300)");
        }
        Api api = new Api(port);
        String token = api.post("/api/v1/tenants", "sm-order-admin", "{\"name\":\"order\"}").json().path("token").asString();
        Api.Answer created = api.post("/api/v1/syncs", token, """
                {"name": "order", "source": {"type": "h2", "url": "%s", "user": "sa", "password": "", "table": "items", "key": ["id"]},
                 "destination": {"type": "h2", "url": "%s", "user": "sa", "password": "", "table": "items_copy"},
                 "batch": {"size": 100}}""".formatted(SRC, DST));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Api.Answer run = api.post("/api/v1/syncs/" + created.json().path("id").asString() + "/runs", token, null);
        assertThat(run.status()).as(run.body()).isEqualTo(202);
        JsonNode end = api.waitForEnd(run.json().path("runId").asString(), token, Duration.ofSeconds(60)).json();

        List<String> kinds = new ArrayList<>();
        end.path("events").forEach(e -> kinds.add(e.path("kind").asString()));
        assertThat(end.path("status").asString()).isEqualTo("succeeded");
        assertThat(kinds).as("read once, right after the run showed as ended").endsWith("completed");
        assertThat(SEEN).as("the observer looked in the gap between the engine's end and the server's").isNotEmpty();
        for (Seen s : SEEN) {
            if (!List.of("queued", "running").contains(s.status())) {
                assertThat(s.kinds()).as("a run that shows as " + s.status() + " has its end event stored").endsWith("completed");
            }
        }
    }
}
