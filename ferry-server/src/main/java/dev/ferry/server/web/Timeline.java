package dev.ferry.server.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.ferry.server.web.Html.esc;

/** A run's events: what its stored view tells (triggered, started, resumed, ended) and what changed between live views. */
final class Timeline {
    record Entry(String when, String kind, String text) {
        String html() {
            return "<li data-testid=\"timeline-" + esc(kind) + "\"><time>" + esc(when) + "</time> " + esc(text) + "</li>";
        }
    }

    private Timeline() {
    }

    static List<Entry> initial(Map<String, Object> view) {
        List<Entry> out = new ArrayList<>();
        out.add(new Entry(Html.when(view.get("requestedAt")), "triggered", "triggered (" + view.getOrDefault("trigger", "?")
                + (view.get("retryOf") != null ? ", retry of " + view.get("retryOf") : "") + ")"));
        if (view.get("startedAt") != null) out.add(new Entry(Html.when(view.get("startedAt")), "started", "started"));
        if (view.get("resumedFrom") != null) {
            out.add(new Entry(Html.when(view.get("startedAt")), "resumed", "resumed from the checkpoint of " + view.get("resumedFrom")));
        }
        long retries = number(RunPanel.map(view.get("stats")).get("retries"));
        if (retries > 0) out.add(new Entry(Html.when(view.get("startedAt")), "retry", retries + " retries so far"));
        if (!RunPanel.active(view)) out.add(ended(view));
        return out;
    }

    /** What happened between two live views of the same run. */
    static List<Entry> between(Map<String, Object> before, Map<String, Object> after, Instant now) {
        List<Entry> out = new ArrayList<>();
        String t = Html.when(now);
        if (before == null) return out;
        if (before.get("startedAt") == null && after.get("startedAt") != null) out.add(new Entry(t, "started", "started"));
        if (!Objects.equals(before.get("phase"), after.get("phase")) && RunPanel.active(after)) {
            out.add(new Entry(t, "phase", "phase: " + after.get("phase")));
        }
        long p0 = number(RunPanel.map(before.get("counters")).get("processed"));
        long p1 = number(RunPanel.map(after.get("counters")).get("processed"));
        if (p1 > p0) out.add(new Entry(t, "batch", "batches committed: " + Html.number(p1) + " rows processed (+" + Html.number(p1 - p0) + ")"));
        long r0 = number(RunPanel.map(before.get("stats")).get("retries"));
        long r1 = number(RunPanel.map(after.get("stats")).get("retries"));
        if (r1 > r0) out.add(new Entry(t, "retry", "retried (" + r1 + " so far)"));
        long w0 = number(RunPanel.map(before.get("stats")).get("rateLimitWaits"));
        long w1 = number(RunPanel.map(after.get("stats")).get("rateLimitWaits"));
        if (w1 > w0) out.add(new Entry(t, "rate-limit", "waited for the source's rate limit (" + w1 + " so far)"));
        if (!Boolean.TRUE.equals(before.get("cancelRequested")) && Boolean.TRUE.equals(after.get("cancelRequested"))) {
            out.add(new Entry(t, "cancel", "cancel requested"));
        }
        return out;
    }

    static Entry ended(Map<String, Object> view) {
        Object msg = view.get("message");
        return new Entry(Html.when(view.get("finishedAt")), "completed", "ended " + view.get("status") + (msg != null ? ": " + msg : ""));
    }

    static String html(List<Entry> entries) {
        StringBuilder b = new StringBuilder();
        entries.forEach(e -> b.append(e.html()));
        return b.toString();
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
