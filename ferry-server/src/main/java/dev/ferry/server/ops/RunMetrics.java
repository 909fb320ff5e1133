package dev.ferry.server.ops;

import dev.ferry.core.Counters;
import dev.ferry.core.RunInfo;

import dev.ferry.server.service.RunService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;

/**
 * Prometheus metrics of the runs this node executed: ferry_runs_total{status}, ferry_rows_total{sync,outcome},
 * ferry_batch_latency_seconds{sync}, ferry_retries_total{sync}, ferry_dead_letters_total{sync}.
 */
@Component
public class RunMetrics implements RunService.RunObserver {
    private final MeterRegistry registry;

    public RunMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void batch(RunService.RunRow row, int rows, Duration took) {
        Timer.builder("ferry.batch.latency").description("time to write one batch and commit its checkpoint")
                .tag("sync", row.syncId()).publishPercentileHistogram().register(registry).record(took);
        Counter.builder("ferry.rows").tag("sync", row.syncId()).tag("outcome", "processed").register(registry).increment(rows);
    }

    @Override
    public void finished(RunService.RunRow row, Optional<RunInfo> info) {
        Counter.builder("ferry.runs").description("runs ended, by status").tag("status", row.status()).register(registry).increment();
        info.ifPresent(i -> {
            Counters c = i.counters();
            rows(row, "inserted", c.inserted());
            rows(row, "updated", c.updated());
            rows(row, "unchanged", c.unchanged());
            if (i.stats().get("retries") instanceof Number n && n.longValue() > 0) {
                Counter.builder("ferry.retries").description("transient failures retried").tag("sync", row.syncId())
                        .register(registry).increment(n.doubleValue());
            }
            if (c.failed() > 0) {
                Counter.builder("ferry.dead.letters").tag("sync", row.syncId()).register(registry).increment(c.failed());
            }
        });
    }

    private void rows(RunService.RunRow row, String outcome, long n) {
        if (n > 0) Counter.builder("ferry.rows").tag("sync", row.syncId()).tag("outcome", outcome).register(registry).increment(n);
    }

}
