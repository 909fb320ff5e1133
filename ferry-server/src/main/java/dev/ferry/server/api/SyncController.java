package dev.ferry.server.api;

import dev.ferry.server.service.ConflictService;
import dev.ferry.server.service.PreviewService;
import dev.ferry.server.service.RunService;
import dev.ferry.server.service.SyncService;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** A tenant's sync definitions (JSON, or a YAML sync file as application/yaml) and their runs. */
@RestController
@RequestMapping("/api/v1/syncs")
public class SyncController {
    static final String[] BODY_TYPES = {"application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/plain"};
    private final SyncService syncs;
    private final RunService runs;
    private final ConflictService conflicts;
    private final PreviewService previews;

    public SyncController(SyncService syncs, RunService runs, ConflictService conflicts, PreviewService previews) {
        this.syncs = syncs;
        this.runs = runs;
        this.conflicts = conflicts;
        this.previews = previews;
    }

    @PostMapping(consumes = {"application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    ResponseEntity<Map<String, Object>> create(HttpServletRequest req, @RequestBody String body) {
        String tenant = Caller.of(req).requireTenant();
        SyncService.Sync s = syncs.create(tenant, SyncService.parseBody(body));
        return ResponseEntity.created(URI.create("/api/v1/syncs/" + s.id())).body(syncs.view(s));
    }

    @GetMapping
    List<Map<String, Object>> list(HttpServletRequest req) {
        String tenant = Caller.of(req).requireTenant();
        return syncs.list(tenant).stream().map(syncs::view).toList();
    }

    @GetMapping("/{id}")
    Map<String, Object> get(HttpServletRequest req, @PathVariable String id) {
        return syncs.view(syncs.get(Caller.of(req).requireTenant(), id));
    }

    @PutMapping(path = "/{id}", consumes = {"application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    Map<String, Object> update(HttpServletRequest req, @PathVariable String id, @RequestBody String body) {
        return syncs.view(syncs.update(Caller.of(req).requireTenant(), id, SyncService.parseBody(body)));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(HttpServletRequest req, @PathVariable String id) {
        String tenant = Caller.of(req).requireTenant();
        syncs.get(tenant, id);
        syncs.delete(tenant, id, runs.activeRunOf(id).isPresent());
        return ResponseEntity.noContent().build();
    }

    /** Options: {"fullRefresh": true, "batchSize": 5000}; the body may be empty. */
    @PostMapping("/{id}/runs")
    ResponseEntity<Map<String, Object>> trigger(HttpServletRequest req, @PathVariable String id,
                                                @RequestBody(required = false) RunService.RunOptions options) {
        String tenant = Caller.of(req).requireTenant();
        RunService.RunRow r = runs.trigger(tenant, id, options == null ? RunService.RunOptions.DEFAULT : options, "api");
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/v1/runs/" + r.runId()))
                .body(Map.of("runId", r.runId(), "status", r.status()));
    }

    @GetMapping("/{id}/runs")
    RunService.Page<Map<String, Object>> history(HttpServletRequest req, @PathVariable String id,
                                                 @RequestParam(defaultValue = "0") int page,
                                                 @RequestParam(defaultValue = "20") int size) {
        return runs.history(Caller.of(req).requireTenant(), id, page, size);
    }

    /** The dry run: {"samples": 5, "fullRefresh": false, "batchSize": …}, all optional; writes nothing. */
    public record PreviewRequest(Boolean fullRefresh, Integer batchSize, Integer samples) {
    }

    @PostMapping("/{id}/preview")
    Map<String, Object> preview(HttpServletRequest req, @PathVariable String id, @RequestBody(required = false) PreviewRequest body) {
        String tenant = Caller.of(req).requireTenant();
        PreviewRequest p = body == null ? new PreviewRequest(null, null, null) : body;
        return previews.preview(tenant, id, new RunService.RunOptions(p.fullRefresh(), p.batchSize()), p.samples() == null ? 5 : p.samples());
    }

    @GetMapping("/{id}/conflicts")
    List<Map<String, Object>> conflicts(HttpServletRequest req, @PathVariable String id,
                                        @RequestParam(defaultValue = "pending") String status,
                                        @RequestParam(defaultValue = "100") int limit) {
        return conflicts.list(Caller.of(req).requireTenant(), id, status, limit).stream().map(ConflictService::view).toList();
    }

    @GetMapping("/{id}/conflicts/{conflictId}")
    Map<String, Object> conflict(HttpServletRequest req, @PathVariable String id, @PathVariable long conflictId) {
        return ConflictService.view(conflicts.get(Caller.of(req).requireTenant(), id, conflictId));
    }

    /** {"take": "a"} or {"take": "b"}, or {"value": "text"} ({"value": null}: NULL); optional "by": who decided. */
    @PostMapping("/{id}/conflicts/{conflictId}/resolve")
    Map<String, Object> resolve(HttpServletRequest req, @PathVariable String id, @PathVariable long conflictId,
                                @RequestBody(required = false) Map<String, Object> body) {
        String tenant = Caller.of(req).requireTenant();
        Map<String, Object> b = body == null ? Map.of() : body;
        boolean take = b.containsKey("take");
        boolean value = b.containsKey("value");
        if (take == value) {
            throw ApiException.invalid(List.of("body: give exactly one of {\"take\": \"a\"|\"b\"} or {\"value\": \"text\"|null}"));
        }
        ConflictService.Decision d = take ? new ConflictService.Decision.Take(String.valueOf(b.get("take")))
                : new ConflictService.Decision.Value(java.util.Optional.ofNullable(b.get("value")).map(String::valueOf));
        Object by = b.get("by");
        return ConflictService.view(conflicts.resolve(tenant, id, conflictId, d, by == null ? null : String.valueOf(by)));
    }
}
