package dev.ferry.server.service;

import dev.ferry.core.StateStore;
import dev.ferry.core.bidi.BidiStore;
import dev.ferry.core.bidi.Conflict;
import dev.ferry.server.api.ApiException;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The conflicts of a tenant's bidirectional syncs (the store's {@link BidiStore}, as {@code ferry conflicts} shows
 * them): listed per sync and status, and decided by a person (a's value, b's value, or a given one), which both sides
 * get at the sync's next run.
 */
@Service
public class ConflictService {
    public static final List<String> STATUSES = java.util.stream.Stream.concat(Conflict.Status.labels().stream(), java.util.stream.Stream.of("all")).toList();
    private final SyncService syncs;
    private final StateStore store;
    private final Clock clock;

    public ConflictService(SyncService syncs, StateStore store, Clock clock) {
        this.syncs = syncs;
        this.store = store;
        this.clock = clock;
    }

    /** A person's decision: take a side's value, or give one (empty = NULL). */
    public sealed interface Decision {
        record Take(String side) implements Decision {
        }

        record Value(Optional<String> value) implements Decision {
        }
    }

    /** The sync's conflicts, newest first; {@code status} pending (default), resolved, decided, applied or all. */
    public List<Conflict> list(String tenantId, String syncId, String status, int limit) {
        SyncService.Sync sync = bidirectional(tenantId, syncId);
        String st = status == null || status.isBlank() ? "pending" : status.toLowerCase(Locale.ROOT);
        if (!STATUSES.contains(st)) {
            throw ApiException.invalid(List.of("status: '" + status + "' is not a status; use " + String.join(", ", STATUSES)));
        }
        Optional<Conflict.Status> filter = st.equals("all") ? Optional.empty() : Optional.of(Conflict.Status.valueOf(st.toUpperCase(Locale.ROOT)));
        return bidi().conflicts(Optional.of(sync.id()), filter, Math.max(1, Math.min(1000, limit)));
    }

    public Conflict get(String tenantId, String syncId, long conflictId) {
        SyncService.Sync sync = bidirectional(tenantId, syncId);
        return bidi().conflict(conflictId).filter(c -> c.syncName().equals(sync.id()))
                .orElseThrow(() -> ApiException.notFound("conflict " + conflictId + " of sync " + syncId));
    }

    /** Decides a pending conflict; 409 when it is not pending (decided already, or applied). */
    public Conflict resolve(String tenantId, String syncId, long conflictId, Decision decision, String by) {
        Conflict c = get(tenantId, syncId, conflictId);
        if (c.status() != Conflict.Status.PENDING) {
            throw ApiException.conflict("conflict " + conflictId + " is " + c.status().label() + " (" + c.resolvedBy().orElse("?")
                    + "), not waiting for a decision");
        }
        Optional<String> value = switch (decision) {
            case Decision.Take t when t.side().equals("a") -> c.aValue();
            case Decision.Take t when t.side().equals("b") -> c.bValue();
            case Decision.Take t -> throw ApiException.invalid(List.of("take: '" + t.side() + "' is not a side; use a or b"));
            case Decision.Value v -> v.value();
        };
        String who = by == null || by.isBlank() ? "api" : by.trim();
        if (!who.matches("[\\w.@ -]{1,100}")) throw ApiException.invalid(List.of("by: letters, digits, '.', '@', '-', ' ' only (at most 100)"));
        try {
            bidi().resolve(conflictId, value, "user:" + who, Instant.now(clock));
        } catch (dev.ferry.spi.SyncException e) {
            throw ApiException.conflict("conflict " + conflictId + " is no longer waiting for a decision");
        }
        return bidi().conflict(conflictId).orElseThrow();
    }

    /** The API's shape of a conflict (as {@code ferry conflicts show --json}). */
    public static Map<String, Object> view(Conflict c) {
        return c.asMap();
    }

    public static boolean isBidirectional(SyncService.Sync sync) {
        return "bidirectional".equals(String.valueOf(sync.definition().get("direction")));
    }

    private SyncService.Sync bidirectional(String tenantId, String syncId) {
        SyncService.Sync sync = syncs.get(tenantId, syncId);
        if (!isBidirectional(sync)) {
            throw ApiException.conflict("sync " + syncId + " is one-way; conflicts exist only for direction: bidirectional");
        }
        return sync;
    }

    private BidiStore bidi() {
        return store.bidi().orElseThrow(() -> new IllegalStateException("the state store keeps no bidirectional state"));
    }
}
