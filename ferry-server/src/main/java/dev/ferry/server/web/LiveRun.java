package dev.ferry.server.web;

import dev.ferry.server.FerryProperties;
import dev.ferry.server.service.RunEvents;
import dev.ferry.server.service.RunLog;
import dev.ferry.server.service.RunService;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The run page's live feed: the service's run subscription ({@link RunEvents#subscribe}) rendered as HTML fragments
 * that htmx's SSE extension swaps in ("run" → the panel, "timeline" → the stored events not shown yet, appended,
 * "retries" → the retries with their reasons, "done" → the final panel, then the page closes the stream). A run that has not changed for the lease time-out is shown as stalled.
 */
@Component
public class LiveRun {
    private final RunEvents events;
    private final RunService runs;
    private final Clock clock;
    private final Duration stallAfter;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1,
            Thread.ofPlatform().daemon().name("ferry-ui-stall").factory());

    public LiveRun(RunEvents events, RunService runs, Clock clock, FerryProperties props) {
        this.events = events;
        this.runs = runs;
        this.clock = clock;
        this.stallAfter = props.leaseTimeout();
    }

    /** Tracks one subscriber's last view (for how long nothing changed) and the last stored event it was sent. */
    static final class Watch {
        private final Duration stallAfter;
        private Map<String, Object> last;
        private long lastChangeMillis;
        private boolean stallShown;
        private long lastEventId;

        Watch(Duration stallAfter, long nowMillis) {
            this.stallAfter = stallAfter;
            this.lastChangeMillis = nowMillis;
        }

        synchronized void update(Map<String, Object> view, Clock clock) {
            last = view;
            lastChangeMillis = clock.millis();
            stallShown = false;
        }

        /** Seconds without change once past the stall time-out (reported once per stall), else null. */
        synchronized Long stalled(long nowMillis) {
            if (last == null || !RunPanel.active(last) || stallShown) return null;
            long quiet = nowMillis - lastChangeMillis;
            if (quiet < stallAfter.toMillis()) return null;
            stallShown = true;
            return quiet / 1000;
        }

        synchronized Map<String, Object> last() {
            return last;
        }

        /** The stored events not sent yet (remembers the newest). */
        synchronized List<RunLog.Event> newEvents(RunService runs, String runId) {
            List<RunLog.Event> events = runs.events(runId, lastEventId);
            if (!events.isEmpty()) lastEventId = events.get(events.size() - 1).id();
            return events;
        }

        synchronized void seen(long eventId) {
            lastEventId = Math.max(lastEventId, eventId);
        }
    }

    /** @param lastEventId the newest event the page already shows */
    SseEmitter stream(WebSession session, String runId, long lastEventId) {
        SseEmitter emitter = new SseEmitter(0L);
        Watch watch = new Watch(stallAfter, clock.millis());
        watch.seen(lastEventId);
        Runnable events = () -> {
            List<RunLog.Event> fresh = watch.newEvents(runs, runId);
            if (fresh.isEmpty()) return;
            send(emitter, "timeline", Timeline.html(fresh));
            if (fresh.stream().anyMatch(e -> e.kind().equals(RunLog.RETRY))) {
                send(emitter, "retries", Timeline.retries(runs.events(runId, 0)));
            }
        };
        AutoCloseable sub = this.events.subscribe(session.tenantId(), runId,
                view -> {
                    watch.update(view, clock);
                    send(emitter, "run", RunPanel.render(session, view, null));
                    events.run();
                },
                view -> {
                    if (view.containsKey("status")) {
                        watch.update(view, clock);
                        events.run();
                        send(emitter, "done", RunPanel.render(session, view, null));
                    }
                    emitter.complete();
                });
        ScheduledFuture<?> stallCheck = timer.scheduleAtFixedRate(() -> {
            Long quiet = watch.stalled(clock.millis());
            if (quiet != null) {
                send(emitter, "run", RunPanel.render(session, watch.last(), quiet));
                send(emitter, "timeline", Timeline.entry(clock.instant(), "stalled",
                        "stalled: no progress for " + quiet + " s (time-out " + stallAfter.toSeconds() + " s)"));
            }
        }, 1, 1, TimeUnit.SECONDS);
        Runnable stop = () -> {
            stallCheck.cancel(false);
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

    private static void send(SseEmitter emitter, String name, String html) {
        synchronized (emitter) {
            try {
                // one line per event: the SSE extension swaps the data as it is
                emitter.send(SseEmitter.event().name(name).data(html.replace("\n", "")));
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            }
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
