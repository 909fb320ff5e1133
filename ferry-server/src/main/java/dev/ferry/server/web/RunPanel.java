package dev.ferry.server.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.ferry.server.web.Html.esc;

/**
 * A run's live panel, rendered from the API's run view ({@code RunService.view}): the same HTML on the first page load
 * and in each SSE update, so a reload and a live page never disagree.
 */
final class RunPanel {
    static final List<String> COUNTERS = List.of("total", "processed", "inserted", "updated", "unchanged", "skipped", "merged", "failed");
    private static final List<String> ACTIVE = List.of("queued", "running");
    private static final List<String> RETRYABLE = List.of("failed", "cancelled", "interrupted");

    private RunPanel() {
    }

    static boolean active(Map<String, Object> view) {
        return ACTIVE.contains(String.valueOf(view.get("status")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** @param stalledFor seconds without any change while active, or null when the run is moving */
    static String render(WebSession s, Map<String, Object> view, Long stalledFor) {
        String runId = String.valueOf(view.get("runId"));
        String status = String.valueOf(view.get("status"));
        String phase = String.valueOf(view.getOrDefault("phase", ""));
        Map<String, Object> stats = map(view.get("stats"));
        Map<String, Object> counters = map(view.get("counters"));
        Object pct = view.get("percentComplete");
        double percent = pct instanceof Number n ? n.doubleValue() : 0;
        boolean stalled = stalledFor != null && active(view);
        StringBuilder b = new StringBuilder(4096);

        b.append("<div class=\"run-head\">")
                .append("<span class=\"badge s-").append(esc(status)).append("\" data-testid=\"run-status\">").append(esc(status)).append("</span>");
        if (stalled) {
            b.append(" <span class=\"badge s-stalled\" role=\"alert\" data-testid=\"run-stalled\">stalled: no progress for ")
                    .append(stalledFor).append(" s</span>");
        }
        if (Boolean.TRUE.equals(view.get("cancelRequested"))) {
            b.append(" <span class=\"badge s-cancelling\" data-testid=\"run-cancelling\">cancel requested: stops after the batch in flight</span>");
        }
        b.append(" <span class=\"phase\">Phase: <strong data-testid=\"run-phase\">").append(esc(phase)).append("</strong></span></div>\n");

        // the bar: a source that prepares first (a sheet download) owns the first share of it, rows fill the rest
        double share = stats.get("preparationShare") instanceof Number n ? Math.max(0, Math.min(1, n.doubleValue())) : 0;
        String pctText = pct instanceof Number n ? String.format(Locale.ROOT, "%.1f %%", n.doubleValue()) : "—";
        b.append("<div class=\"bar\" role=\"progressbar\" aria-label=\"Run progress\" aria-valuemin=\"0\" aria-valuemax=\"100\"")
                .append(pct instanceof Number ? " aria-valuenow=\"" + String.format(Locale.ROOT, "%.1f", percent) + "\"" : "")
                .append("><div class=\"fill s-").append(esc(status)).append("\" style=\"width:")
                .append(String.format(Locale.ROOT, "%.1f", Math.max(0, Math.min(100, percent)))).append("%\"></div>");
        if (share > 0) {
            b.append("<div class=\"tick\" style=\"left:").append(String.format(Locale.ROOT, "%.1f", share * 100)).append("%\"></div>");
        }
        b.append("</div>\n<p class=\"bar-legend\" data-testid=\"run-phase-share\">");
        if (share > 0) {
            int cut = (int) Math.round(share * 100);
            b.append(seg("preparing (downloading, processing)", "0–" + cut + " %", List.of("planning", "downloading", "processing").contains(phase)))
                    .append(" · ").append(seg("saving rows", cut + "–100 %", List.of("reading", "writing", "finishing").contains(phase)));
        } else {
            b.append(seg("reading & writing rows", "0–100 %", !List.of("queued", "done").contains(phase)));
        }
        b.append("</p>\n");

        b.append("<dl class=\"figures\">")
                .append(figure("Complete", pctText, "run-percent"))
                .append(figure("Rows/s", Html.number(stats.get("rowsPerSecond")), "run-rate"))
                .append(figure("ETA", stats.get("etaSeconds") instanceof Number n ? Html.seconds(n) : "—", "run-eta"))
                .append(figure("Elapsed", Html.seconds(view.get("seconds") != null ? view.get("seconds") : stats.get("seconds")), "run-elapsed"))
                .append(figure("Retries so far", Html.number(stats.getOrDefault("retries", 0L)), "run-retries"));
        if (stats.get("bytesRead") instanceof Number n) {
            b.append(figure("Read", Html.number(n) + " bytes" + (stats.get("totalBytes") instanceof Number t ? " of " + Html.number(t) : ""), "run-bytes"));
        }
        if (stats.get("lines") instanceof Number n) b.append(figure("Lines", Html.number(n), "run-lines"));
        b.append("</dl>\n");

        b.append("<table class=\"counters\"><caption>Counters</caption><thead><tr>");
        for (String c : COUNTERS) {
            if (c.equals("merged") && !counters.containsKey("merged") && !stats.containsKey("merged")) continue;
            b.append("<th scope=\"col\">").append(c).append("</th>");
        }
        b.append("</tr></thead><tbody><tr>");
        for (String c : COUNTERS) {
            Object v = counters.containsKey(c) ? counters.get(c) : stats.get(c);
            if (c.equals("merged") && v == null) continue;
            b.append("<td data-testid=\"counter-").append(c).append("\">").append(v == null ? "—" : Html.number(v)).append("</td>");
        }
        b.append("</tr></tbody></table>\n");

        if (view.get("message") != null) {
            b.append("<p class=\"message\" data-testid=\"run-message\">").append(esc(view.get("message"))).append("</p>");
        }
        if (view.get("error") != null) {
            b.append("<p class=\"message error\" role=\"alert\" data-testid=\"run-error\">").append(esc(view.get("error"))).append("</p>");
        }

        b.append("<div class=\"actions\">")
                .append(Layout.postButton(s, "/ui/runs/" + runId + "/cancel", "Cancel run", "btn-cancel", "danger",
                        active(view) ? null : "the run has ended", null))
                .append(Layout.postButton(s, "/ui/runs/" + runId + "/retry", "Retry from checkpoint", "btn-retry", "",
                        RETRYABLE.contains(status) ? null : "only a failed, cancelled or interrupted run is retried", null));
        long failed = counters.get("failed") instanceof Number n ? n.longValue() : 0;
        if (failed > 0 || "partial".equals(status)) {
            b.append("<a class=\"button\" href=\"/ui/runs/").append(esc(runId)).append("/dead-letters\" data-testid=\"link-dead-letters\">")
                    .append("Dead letters (").append(failed).append(")</a>");
        }
        b.append("</div>");
        return b.toString();
    }

    private static String seg(String name, String range, boolean current) {
        return (current ? "<strong aria-current=\"step\">" : "<span>") + esc(name) + " " + esc(range) + (current ? "</strong>" : "</span>");
    }

    private static String figure(String label, String value, String testId) {
        return "<div><dt>" + esc(label) + "</dt><dd data-testid=\"" + testId + "\">" + esc(value) + "</dd></div>";
    }
}
