package dev.ferry.server.ops;

import dev.ferry.core.StateStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness: the run-state store answers (runs cannot start or report without it). */
@Component("stateStoreHealthIndicator")
public class StateStoreHealth implements HealthIndicator {
    private final StateStore store;

    public StateStoreHealth(StateStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        try {
            return Health.up().withDetail("activeRuns", store.activeRuns().size()).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
        }
    }
}
