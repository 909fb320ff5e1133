package dev.ferry.server.api;

import dev.ferry.server.service.TenantService;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin only: tenants and their tokens (each token is shown once). */
@RestController
@RequestMapping("/api/v1/tenants")
public class TenantController {
    private final TenantService tenants;

    public TenantController(TenantService tenants) {
        this.tenants = tenants;
    }

    public record NewTenant(String name) {
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> create(HttpServletRequest req, @RequestBody NewTenant body) {
        Caller.of(req).requireAdmin();
        TenantService.Issued t = tenants.create(body == null ? null : body.name());
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + t.tenant().id())).body(issued(t));
    }

    @GetMapping
    List<Map<String, Object>> list(HttpServletRequest req) {
        Caller.of(req).requireAdmin();
        return tenants.list().stream().map(t -> Map.<String, Object>of("id", t.id(), "name", t.name(),
                "createdAt", t.createdAt().toString())).toList();
    }

    @PostMapping("/{id}/tokens")
    ResponseEntity<Map<String, Object>> token(HttpServletRequest req, @PathVariable String id) {
        Caller.of(req).requireAdmin();
        return ResponseEntity.status(201).body(issued(tenants.issueToken(id)));
    }

    private static Map<String, Object> issued(TenantService.Issued t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.tenant().id());
        m.put("name", t.tenant().name());
        m.put("token", t.token());
        return m;
    }
}
