package dev.ferry.server.service;

import dev.ferry.core.Connectors;
import dev.ferry.core.ErrorClassifier;
import dev.ferry.core.Previewer;
import dev.ferry.core.StateStore;
import dev.ferry.core.bidi.BidiEngine;
import dev.ferry.core.config.SyncFile;
import dev.ferry.server.api.ApiException;
import dev.ferry.spi.ConfigException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A sync's dry run ({@code ferry run --dry-run}): what a run now would do, counts and sample changes with field diffs,
 * from the same planner as the run ({@link Previewer}, {@link BidiEngine#preview}); nothing is written.
 */
@Service
public class PreviewService {
    public static final int MAX_SAMPLES = 100;
    private final SyncService syncs;
    private final StateStore store;
    private final Connectors connectors;
    private final Clock clock;

    public PreviewService(SyncService syncs, StateStore store, Connectors connectors, Clock clock) {
        this.syncs = syncs;
        this.store = store;
        this.connectors = connectors;
        this.clock = clock;
    }

    public Map<String, Object> preview(String tenantId, String syncId, RunService.RunOptions options, int samples) {
        if (samples < 0 || samples > MAX_SAMPLES) {
            throw ApiException.invalid(List.of("samples: " + samples + " is out of range; use 0 to " + MAX_SAMPLES));
        }
        SyncService.Sync sync = syncs.get(tenantId, syncId);
        SyncFile file = syncs.syncFile(sync);
        boolean fullRefresh = Boolean.TRUE.equals(options.fullRefresh());
        try {
            return file.bidirectional()
                    ? new BidiEngine(store, connectors, clock).preview(file.bidi().get().withFullRefresh(fullRefresh), samples).asMap()
                    : new Previewer(store, connectors, clock).preview(RunService.applyOptions(file.job(), options.asMap()), samples).asMap();
        } catch (ConfigException e) {
            throw ApiException.invalid(e.problems());
        } catch (RuntimeException e) {
            // the sides could not be read (down, refused, a missing column): the caller can fix it and ask again
            throw new ApiException(HttpStatus.BAD_GATEWAY, "the preview could not read the sync's data: " + ErrorClassifier.describe(e), Map.of());
        }
    }
}
