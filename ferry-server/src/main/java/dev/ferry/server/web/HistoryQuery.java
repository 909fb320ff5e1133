package dev.ferry.server.web;

import dev.ferry.server.service.RunService;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The history page's one read the service has no method for: a sync's runs filtered by status, paged. It picks run ids
 * only; each run is then shown through {@link RunService#view} like everywhere else.
 */
@Component
public class HistoryQuery {
    private final JdbcClient db;
    private final RunService runs;

    public HistoryQuery(JdbcClient db, RunService runs) {
        this.db = db;
        this.runs = runs;
    }

    RunService.Page<Map<String, Object>> page(String tenantId, String syncId, Optional<String> status, int page, int size) {
        String where = " FROM fs_runs WHERE tenant_id = ? AND sync_id = ?" + (status.isPresent() ? " AND status = ?" : "");
        Object[] params = status.isPresent() ? new Object[]{tenantId, syncId, status.get()} : new Object[]{tenantId, syncId};
        long total = db.sql("SELECT COUNT(*)" + where).params(params).query(Long.class).single();
        List<String> ids = db.sql("SELECT run_id" + where + " ORDER BY requested_at DESC, run_id DESC LIMIT " + size
                + " OFFSET " + ((long) page * size)).params(params).query(String.class).list();
        List<Map<String, Object>> items = ids.stream().map(id -> runs.view(runs.get(tenantId, id))).toList();
        return new RunService.Page<>(items, page, size, total);
    }
}
