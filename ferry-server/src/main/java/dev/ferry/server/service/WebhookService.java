package dev.ferry.server.service;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunViews;
import dev.ferry.server.FerryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-sync webhooks on run succeeded/partial/failed: a JSON summary POSTed with an HMAC-SHA256 signature of the body
 * ({@code X-Ferry-Signature: sha256=HEX}), each delivery a db-scheduler task retried with exponential backoff.
 */
@Service
public class WebhookService implements RunService.RunObserver {
    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
    static final String TASK = "ferry-webhook";
    static final TaskDescriptor<String> DELIVERY = TaskDescriptor.of(TASK, String.class);
    private static final List<String> EVENTS = List.of("succeeded", "partial", "failed");

    private final JdbcClient db;
    private final SyncService syncs;
    private final HostGuard hosts;
    private final Clock clock;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public WebhookService(JdbcClient db, SyncService syncs, HostGuard hosts, Clock clock, ObjectProvider<SchedulerClient> scheduler) {
        this.db = db;
        this.syncs = syncs;
        this.hosts = hosts;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    @Override
    public void finished(RunService.RunRow row, Optional<RunInfo> info) {
        if (!EVENTS.contains(row.status())) return;
        Optional<SyncService.Sync> sync = syncs.find(row.syncId());
        if (sync.isEmpty()) return;
        List<Map<String, Object>> hooks = syncs.webhooks(sync.get());
        for (int i = 0; i < hooks.size(); i++) {
            Object events = hooks.get(i).get("events");
            if (events instanceof List<?> l && !l.isEmpty() && !l.contains(row.status())) continue;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("event", "run." + row.status());
            body.put("syncId", row.syncId());
            body.put("syncName", sync.get().name());
            body.put("run", info.map(RunViews::asMap).orElseGet(() -> Map.of("runId", row.runId(), "status", row.status(),
                    "message", row.message().orElse(""))));
            String id = Ids.random("wh_", 16);
            db.sql("INSERT INTO fs_webhook_deliveries (id, tenant_id, sync_id, run_id, hook_index, event, body, status, attempts, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)")
                    .params(id, row.tenantId(), row.syncId(), row.runId(), i, row.status(), SyncService.JSON.writeValueAsString(body),
                            clock.millis())
                    .update();
            scheduler.getObject().schedule(DELIVERY.instance(id).data(id).scheduledTo(clock.instant()));
        }
    }

    /** One attempt; throws on failure so db-scheduler retries it with backoff. */
    void deliver(String deliveryId) throws Exception {
        Map<String, Object> d = db.sql("SELECT sync_id, hook_index, event, body, attempts, status FROM fs_webhook_deliveries WHERE id = ?")
                .param(deliveryId).query((rs, i) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("sync_id", rs.getString(1));
                    m.put("hook_index", rs.getInt(2));
                    m.put("event", rs.getString(3));
                    m.put("body", rs.getString(4));
                    m.put("attempts", rs.getInt(5));
                    m.put("status", rs.getString(6));
                    return m;
                }).single();
        if ("delivered".equals(d.get("status"))) return;
        int attempt = ((Number) d.get("attempts")).intValue() + 1;
        Optional<SyncService.Sync> sync = syncs.find((String) d.get("sync_id"));
        int index = ((Number) d.get("hook_index")).intValue();
        List<Map<String, Object>> hooks = sync.map(syncs::webhooks).orElse(List.of());
        if (index >= hooks.size()) {
            mark(deliveryId, "dropped", attempt, "the sync or its webhook was removed");
            return;
        }
        String url = String.valueOf(hooks.get(index).get("url"));
        String secret = String.valueOf(hooks.get(index).get("secret"));
        List<String> problems = new ArrayList<>();
        hosts.checkUrl(url, "webhooks[" + index + "].url", problems); // DNS may have changed since it was saved
        if (!problems.isEmpty()) {
            mark(deliveryId, "refused", attempt, problems.get(0));
            return;
        }
        String body = (String) d.get("body");
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("X-Ferry-Event", "run." + d.get("event"))
                .header("X-Ferry-Delivery", deliveryId)
                .header("X-Ferry-Signature", "sha256=" + sign(secret, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        int status;
        try {
            status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            mark(deliveryId, "retrying", attempt, e.getClass().getSimpleName());
            throw new IllegalStateException("webhook " + deliveryId + " attempt " + attempt + " failed: " + e.getClass().getSimpleName());
        }
        if (status / 100 == 2) {
            mark(deliveryId, "delivered", attempt, null);
            return;
        }
        mark(deliveryId, "retrying", attempt, "HTTP " + status);
        throw new IllegalStateException("webhook " + deliveryId + " attempt " + attempt + " got HTTP " + status);
    }

    private void mark(String id, String status, int attempts, String error) {
        db.sql("UPDATE fs_webhook_deliveries SET status = ?, attempts = ?, last_error = ? WHERE id = ?")
                .params(status, attempts, error, id).update();
    }

    /** Deliveries of a run (for the API and tests). */
    public List<Map<String, Object>> deliveries(String runId) {
        return db.sql("SELECT id, event, status, attempts, last_error FROM fs_webhook_deliveries WHERE run_id = ? ORDER BY created_at")
                .param(runId).query((rs, i) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getString(1));
                    m.put("event", rs.getString(2));
                    m.put("status", rs.getString(3));
                    m.put("attempts", rs.getInt(4));
                    m.put("lastError", rs.getString(5));
                    return m;
                }).list();
    }

    public static String sign(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Task {
        @Bean
        OneTimeTask<String> webhookTask(ObjectProvider<WebhookService> hooks, FerryProperties props) {
            return Tasks.oneTime(DELIVERY)
                    .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(props.webhookMaxAttempts() - 1,
                            new FailureHandler.ExponentialBackoffFailureHandler<>(props.webhookBackoff(), 2.0),
                            (complete, ops) -> {
                                log.warn("webhook {} gave up after {} attempts", complete.getExecution().taskInstance.getId(),
                                        props.webhookMaxAttempts());
                                ops.stop();
                            }))
                    .execute((instance, context) -> {
                        try {
                            hooks.getObject().deliver(instance.getData());
                        } catch (RuntimeException e) {
                            throw e;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
        }
    }
}
