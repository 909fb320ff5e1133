package dev.ferry.server.service;

import dev.ferry.server.FerryProperties;
import jakarta.annotation.PreDestroy;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Live run progress. Polls the shared state (so it works whichever node runs the run) at most every
 * {@code ferry.events-interval}, sends a snapshot when it changed, and the final state once the run has ended.
 */
@Service
public class RunEvents {
    private final RunService runs;
    private final long intervalMillis;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1,
            Thread.ofPlatform().daemon().name("ferry-sse").factory());

    public RunEvents(RunService runs, FerryProperties props) {
        this.runs = runs;
        this.intervalMillis = Math.max(100, props.eventsInterval().toMillis());
    }

    /** A subscription for any consumer (SSE, a dashboard): {@code onUpdate} gets run views, {@code onEnd} the last. */
    public AutoCloseable subscribe(String tenantId, String runId, Consumer<Map<String, Object>> onUpdate,
                                   Consumer<Map<String, Object>> onEnd) {
        AtomicReference<Map<String, Object>> last = new AtomicReference<>();
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        Runnable tick = () -> {
            try {
                RunService.RunRow row = runs.get(tenantId, runId);
                Map<String, Object> view = runs.view(row);
                boolean ended = !row.active() && !"running".equals(view.get("status"));
                if (ended) {
                    onEnd.accept(view);
                    self.get().cancel(false);
                } else if (!Objects.equals(view, last.get())) {
                    last.set(view);
                    onUpdate.accept(view);
                }
            } catch (RuntimeException e) {
                self.get().cancel(false);
                onEnd.accept(Map.of("runId", runId, "error", String.valueOf(e.getMessage())));
            }
        };
        synchronized (self) {
            self.set(timer.scheduleWithFixedDelay(() -> {
                synchronized (self) {
                    tick.run();
                }
            }, 0, intervalMillis, TimeUnit.MILLISECONDS));
        }
        return () -> self.get().cancel(false);
    }

    public SseEmitter stream(String tenantId, String runId) {
        SseEmitter emitter = new SseEmitter(0L);
        AutoCloseable sub = subscribe(tenantId, runId,
                view -> send(emitter, "progress", view),
                view -> {
                    send(emitter, "done", view);
                    emitter.complete();
                });
        Runnable stop = () -> {
            try {
                sub.close();
            } catch (Exception ignored) {
                // nothing to release
            }
        };
        emitter.onCompletion(stop);
        emitter.onTimeout(stop);
        emitter.onError(e -> stop.run());
        return emitter;
    }

    private static void send(SseEmitter emitter, String name, Map<String, Object> view) {
        try {
            emitter.send(SseEmitter.event().name(name).id(String.valueOf(System.nanoTime())).data(view, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
