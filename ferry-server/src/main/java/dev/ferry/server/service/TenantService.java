package dev.ferry.server.service;

import dev.ferry.server.api.ApiException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Tenants and their API tokens; a token is shown once and stored only as its SHA-256. */
@Service
public class TenantService {
    public record Tenant(String id, String name, Instant createdAt) {
    }

    /** A new tenant or token: the only moment the token is visible. */
    public record Issued(Tenant tenant, String token) {
    }

    private final JdbcClient db;
    private final Clock clock;

    public TenantService(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Issued create(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
            throw ApiException.invalid(List.of("name: give 1-100 letters, digits, '_', '-' or '.', starting with a letter or digit"));
        }
        Tenant t = new Tenant(Ids.random("t_", 12), name, clock.instant());
        try {
            db.sql("INSERT INTO fs_tenants (id, name, created_at) VALUES (?, ?, ?)")
                    .params(t.id(), t.name(), t.createdAt().toEpochMilli()).update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("a tenant named '" + name + "' exists already");
        }
        return new Issued(t, newToken(t.id()));
    }

    public Issued issueToken(String tenantId) {
        Tenant t = find(tenantId).orElseThrow(() -> ApiException.notFound("tenant " + tenantId));
        return new Issued(t, newToken(t.id()));
    }

    private String newToken(String tenantId) {
        String token = Ids.token();
        db.sql("INSERT INTO fs_tokens (token_hash, tenant_id, created_at) VALUES (?, ?, ?)")
                .params(Ids.sha256(token), tenantId, clock.millis()).update();
        return token;
    }

    public Optional<Tenant> find(String id) {
        return db.sql("SELECT id, name, created_at FROM fs_tenants WHERE id = ?").param(id)
                .query((rs, i) -> new Tenant(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)))).optional();
    }

    public List<Tenant> list() {
        return db.sql("SELECT id, name, created_at FROM fs_tenants ORDER BY name")
                .query((rs, i) -> new Tenant(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)))).list();
    }

    public Optional<String> tenantOfToken(String token) {
        return db.sql("SELECT tenant_id FROM fs_tokens WHERE token_hash = ?").param(Ids.sha256(token))
                .query(String.class).optional();
    }
}
