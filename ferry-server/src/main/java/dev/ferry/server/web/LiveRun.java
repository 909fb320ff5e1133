package dev.ferry.server.web;

import dev.ferry.server.FerryProperties;
import dev.ferry.server.service.RunEvents;
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
 * that htmx's SSE extension swaps in ("run" → the panel, "timeline" → appended events, "done" → the final panel, then
 * the page closes the stream). A run that has not changed for the lease time-out is shown as stalled.
 */
@Component
public class LiveRun {
    private final RunEvents events;
    private final Clock clock;
    private final Duration stallAfter;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1,
            Thread.ofPlatform().daemon().name("ferry-ui-stall").factory());

    public LiveRun(RunEvents events, Clock clock, FerryProperties props) {
        this.events = events;
        this.clock = clock;
        this.stallAfter = props.leaseTimeout();
    }

    /** Tracks one subscriber's last view, to tell what changed and for how long nothing did. */
    static final class Watch {
        private final Duration stallAfter;
        private Map<String, Object> last;
        private long lastChangeMillis;
        private boolean stallShown;

        Watch(Duration stallAfter, long nowMillis) {
            this.stallAfter = stallAfter;
            this.lastChangeMillis = nowMillis;
        }

        /** The timeline entries since the last view; remembers this one. */
        synchronized List<Timeline.Entry> update(Map<String, Object> view, Clock clock) {
            List<Timeline.Entry> entries = Timeline.between(last, view, clock.instant());
            last = view;
            lastChangeMillis = clock.millis();
            stallShown = false;
            return entries;
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
    }

    SseEmitter stream(WebSession session, String runId) {
        SseEmitter emitter = new SseEmitter(0L);
        Watch watch = new Watch(stallAfter, clock.millis());
        AutoCloseable sub = events.subscribe(session.tenantId(), runId,
                view -> {
                    List<Timeline.Entry> entries = watch.update(view, clock);
                    send(emitter, "run", RunPanel.render(session, view, null));
                    if (!entries.isEmpty()) send(emitter, "timeline", Timeline.html(entries));
                },
                view -> {
                    if (view.containsKey("status")) {
                        List<Timeline.Entry> entries = watch.update(view, clock);
                        entries.add(Timeline.ended(view));
                        send(emitter, "timeline", Timeline.html(entries));
                        send(emitter, "done", RunPanel.render(session, view, null));
                    }
                    emitter.complete();
                });
        ScheduledFuture<?> stallCheck = timer.scheduleAtFixedRate(() -> {
            Long quiet = watch.stalled(clock.millis());
            if (quiet != null) {
                send(emitter, "run", RunPanel.render(session, watch.last(), quiet));
                send(emitter, "timeline", new Timeline.Entry(Html.when(clock.instant()), "stalled",
                        "stalled: no progress for " + quiet + " s (time-out " + stallAfter.toSeconds() + " s)").html());
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
