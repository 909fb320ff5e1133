package dev.ferry.server.api;

import dev.ferry.server.service.RunEvents;
import dev.ferry.server.service.RunService;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

@RestController
@RequestMapping("/api/v1")
public class RunController {
    private final RunService runs;
    private final RunEvents events;
    private final dev.ferry.server.service.WebhookService webhooks;

    public RunController(RunService runs, RunEvents events, dev.ferry.server.service.WebhookService webhooks) {
        this.runs = runs;
        this.events = events;
        this.webhooks = webhooks;
    }

    /** The run's webhook deliveries: status (pending, retrying, delivered, refused, dropped), attempts, last error. */
    @GetMapping("/runs/{runId}/webhooks")
    List<Map<String, Object>> webhooks(HttpServletRequest req, @PathVariable String runId) {
        runs.get(Caller.of(req).requireTenant(), runId);
        return webhooks.deliveries(runId);
    }

    @GetMapping("/runs/{runId}")
    Map<String, Object> get(HttpServletRequest req, @PathVariable String runId) {
        return runs.detail(runs.get(Caller.of(req).requireTenant(), runId));
    }

    @PostMapping("/runs/{runId}/cancel")
    ResponseEntity<Map<String, Object>> cancel(HttpServletRequest req, @PathVariable String runId) {
        RunService.RunRow r = runs.cancel(Caller.of(req).requireTenant(), runId);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(runs.view(r));
    }

    @PostMapping("/runs/{runId}/retry")
    ResponseEntity<Map<String, Object>> retry(HttpServletRequest req, @PathVariable String runId) {
        RunService.RunRow r = runs.retry(Caller.of(req).requireTenant(), runId);
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/v1/runs/" + r.runId()))
                .body(Map.of("runId", r.runId(), "status", r.status(), "retryOf", runId));
    }

    /** Server-Sent Events: "progress" a few times a second while the run changes, then "done" with the final state. */
    @GetMapping(path = "/runs/{runId}/events", produces = "text/event-stream")
    SseEmitter events(HttpServletRequest req, @PathVariable String runId) {
        String tenant = Caller.of(req).requireTenant();
        runs.get(tenant, runId);
        return events.stream(tenant, runId);
    }

    @GetMapping("/runs/{runId}/dead-letters")
    RunService.Page<Map<String, Object>> deadLetters(HttpServletRequest req, @PathVariable String runId,
                                                     @RequestParam(defaultValue = "0") int page,
                                                     @RequestParam(defaultValue = "50") int size) {
        return runs.deadLetters(Caller.of(req).requireTenant(), runId, page, size);
    }

    @PostMapping("/runs/{runId}/dead-letters/replay")
    Map<String, Object> replay(HttpServletRequest req, @PathVariable String runId) {
        return runs.replay(Caller.of(req).requireTenant(), runId);
    }

    @GetMapping("/stats")
    Map<String, Object> stats(HttpServletRequest req, @RequestParam(defaultValue = "7") int days) {
        List<Map<String, Object>> s = runs.stats(Caller.of(req).requireTenant(), Duration.ofDays(Math.max(1, Math.min(days, 365))));
        return Map.of("windowDays", days, "syncs", s);
    }
}
