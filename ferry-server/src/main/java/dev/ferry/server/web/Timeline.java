package dev.ferry.server.web;

import dev.ferry.server.service.RunLog;

import java.time.Instant;
import java.util.List;

import static dev.ferry.server.web.Html.esc;

/**
 * A run's timeline as the page shows it: the stored events ({@link RunLog}, the same on a reload, on another node and
 * after a restart), each as {@code data-testid="timeline-<kind>"}; plus the retries so far with their reasons.
 */
final class Timeline {
    private Timeline() {
    }

    static String html(List<RunLog.Event> events) {
        StringBuilder b = new StringBuilder();
        events.forEach(e -> b.append(entry(e.at(), e.kind(), e.detail())));
        return b.toString();
    }

    static String entry(Instant at, String kind, String text) {
        return "<li data-testid=\"timeline-" + esc(kind) + "\"><time datetime=\"" + esc(at) + "\">" + esc(Html.when(at)) + "</time> "
                + esc(text) + "</li>";
    }

    /** The retries so far, newest last, each with its reason (the inside of the page's retries section). */
    static String retries(List<RunLog.Event> events) {
        List<RunLog.Event> retries = events.stream().filter(e -> e.kind().equals(RunLog.RETRY)).toList();
        StringBuilder b = new StringBuilder("<h2 id=\"retries-h\">Retries so far: <span data-testid=\"retry-count\">")
                .append(retries.size()).append("</span></h2>");
        if (retries.isEmpty()) return b.append("<p class=\"hint\" data-testid=\"no-retries\">No transient failure so far.</p>").toString();
        b.append("<ol class=\"retries\" data-testid=\"run-retry-reasons\">");
        for (RunLog.Event e : retries) {
            b.append("<li data-testid=\"run-retry-reason\"><time datetime=\"").append(esc(e.at())).append("\">").append(esc(Html.when(e.at())))
                    .append("</time> ").append(esc(e.detail())).append("</li>");
        }
        return b.append("</ol>").toString();
    }
}
