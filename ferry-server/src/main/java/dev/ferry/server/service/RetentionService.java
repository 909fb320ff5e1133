package dev.ferry.server.service;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.ferry.core.StateStore;
import dev.ferry.server.FerryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;

/**
 * Finished runs (and their webhook deliveries) older than {@code ferry.retention} (7 days) are deleted; runs with
 * unresolved dead letters stay until those are replayed. Runs as a db-scheduler recurring task: one node at a time.
 */
@Service
public class RetentionService {
    private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
    private final JdbcClient db;
    private final StateStore store;
    private final FerryProperties props;
    private final Clock clock;

    public RetentionService(JdbcClient db, StateStore store, FerryProperties props, Clock clock) {
        this.db = db;
        this.store = store;
        this.props = props;
        this.clock = clock;
    }

    public int purge() {
        return purge(clock.instant());
    }

    /** Deletes what finished before {@code now − retention}; returns the number of runs deleted. */
    public int purge(Instant now) {
        Instant cutoff = now.minus(props.retention());
        int engineRuns = store.deleteRunsFinishedBefore(cutoff);
        // the server's rows go with them, unless the engine kept its row (dead letters still open)
        int rows = db.sql("DELETE FROM fs_runs WHERE finished_at IS NOT NULL AND finished_at < ? AND active_key IS NULL "
                        + "AND NOT EXISTS (SELECT 1 FROM ferry_runs r WHERE r.run_id = fs_runs.run_id)")
                .param(cutoff.toEpochMilli()).update();
        // a run's timeline goes with its row
        db.sql("DELETE FROM fs_run_events WHERE happened_at < ? AND NOT EXISTS "
                + "(SELECT 1 FROM fs_runs r WHERE r.run_id = fs_run_events.run_id)").param(cutoff.toEpochMilli()).update();
        db.sql("DELETE FROM fs_webhook_deliveries WHERE created_at < ? AND NOT EXISTS "
                + "(SELECT 1 FROM fs_runs r WHERE r.run_id = fs_webhook_deliveries.run_id)").param(cutoff.toEpochMilli()).update();
        if (rows > 0 || engineRuns > 0) log.info("retention: deleted {} runs finished before {}", rows, cutoff);
        return rows;
    }

    @Configuration(proxyBeanMethods = false)
    static class Task {
        @Bean
        RecurringTask<Void> retentionTask(ObjectProvider<RetentionService> retention, FerryProperties props) {
            return Tasks.recurring("ferry-retention", FixedDelay.of(props.housekeepingInterval()))
                    .execute((instance, context) -> retention.getObject().purge());
        }
    }
}
