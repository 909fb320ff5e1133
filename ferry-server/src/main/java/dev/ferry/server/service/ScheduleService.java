package dev.ferry.server.service;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTaskWithPersistentSchedule;
import com.github.kagkarlsson.scheduler.task.helper.ScheduleAndData;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import dev.ferry.server.api.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.time.ZoneOffset;

/**
 * A sync's cron or interval as a db-scheduler recurring task with its schedule persisted in the task row (one row
 * per sync, so one node fires it). A fire while a run is active is recorded as a skipped run.
 */
@Service
public class ScheduleService implements SyncService.SyncListener {
    private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);
    public static final String TASK = "ferry-schedule";

    /** Task data: which sync, on what schedule (Java-serialized by db-scheduler). */
    public record SyncSchedule(String syncId, Schedule schedule) implements ScheduleAndData {
        @Override
        public Schedule getSchedule() {
            return schedule;
        }

        @Override
        public Object getData() {
            return syncId;
        }
    }

    private final ObjectProvider<SchedulerClient> scheduler;
    private final ObjectProvider<RecurringTaskWithPersistentSchedule<SyncSchedule>> task;
    private final ObjectProvider<RunService> runs;
    private final ObjectProvider<SyncService> syncs;

    public ScheduleService(ObjectProvider<SchedulerClient> scheduler,
                           ObjectProvider<RecurringTaskWithPersistentSchedule<SyncSchedule>> task,
                           ObjectProvider<RunService> runs, ObjectProvider<SyncService> syncs) {
        this.scheduler = scheduler;
        this.task = task;
        this.runs = runs;
        this.syncs = syncs;
    }

    @Override
    public void saved(SyncService.Sync sync) {
        TaskInstanceId id = TaskInstanceId.of(TASK, sync.id());
        SchedulerClient client = scheduler.getObject();
        if (client.getScheduledExecution(id).isPresent()) client.cancel(id);
        sync.schedule().ifPresent(s -> {
            Schedule schedule = s.cron().<Schedule>map(c -> new CronSchedule(c, ZoneOffset.UTC))
                    .orElseGet(() -> FixedDelay.of(s.every().orElseThrow()));
            client.schedule(task.getObject().schedulableInstance(sync.id(), new SyncSchedule(sync.id(), schedule)));
            log.info("sync={} scheduled {}", sync.id(), s.view());
        });
    }

    @Override
    public void deleted(SyncService.Sync sync) {
        TaskInstanceId id = TaskInstanceId.of(TASK, sync.id());
        SchedulerClient client = scheduler.getObject();
        if (client.getScheduledExecution(id).isPresent()) client.cancel(id);
    }

    /** One fire: trigger a run, or record why not. */
    void fire(String syncId) {
        SyncService.Sync sync = syncs.getObject().find(syncId).orElse(null);
        if (sync == null || sync.schedule().isEmpty()) return;
        try {
            runs.getObject().trigger(sync.tenantId(), sync, RunService.RunOptions.DEFAULT, "schedule", java.util.Optional.empty());
        } catch (ApiException e) {
            if (e.status() != HttpStatus.CONFLICT && e.status() != HttpStatus.TOO_MANY_REQUESTS) throw e;
            Object active = e.extra().get("activeRunId");
            runs.getObject().recordSkipped(sync, active != null
                    ? "skipped: run " + active + " was still active when the schedule fired"
                    : "skipped: " + e.getMessage());
            log.info("sync={} scheduled run skipped: {}", syncId, e.getMessage());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Tasks_ {
        @Bean
        RecurringTaskWithPersistentSchedule<SyncSchedule> scheduleTask(ObjectProvider<ScheduleService> schedules) {
            return Tasks.recurringWithPersistentSchedule(TASK, SyncSchedule.class)
                    .execute((instance, context) -> schedules.getObject().fire(instance.getData().syncId()));
        }
    }
}
