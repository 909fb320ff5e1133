package dev.ferry.server.web;

import dev.ferry.server.api.ApiException;
import dev.ferry.server.service.ConflictService;
import dev.ferry.server.service.Ids;
import dev.ferry.server.service.PreviewService;
import dev.ferry.server.service.RunLog;
import dev.ferry.server.service.RunService;
import dev.ferry.server.service.SyncService;
import dev.ferry.server.service.TenantService;
import jakarta.servlet.http.HttpServletRequest;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.ferry.server.web.Html.esc;

/**
 * The dashboard's pages, server-rendered HTML over the same services the REST API uses (SyncService, RunService,
 * RunEvents): every rule (validation, one active run per destination, tenant isolation, limits) stays there.
 */
@Controller
@RequestMapping("/ui")
public class DashboardController {
    static final List<String> STATUSES = List.of("queued", "running", "succeeded", "partial", "failed", "cancelled", "interrupted", "skipped");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");
    private static final int PAGE = 20;

    private final TenantService tenants;
    private final SyncService syncs;
    private final RunService runs;
    private final LiveRun live;
    private final HistoryQuery history;
    private final Clock clock;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final ConflictService conflicts;
    private final PreviewService previews;

    /** The schedule service's db-scheduler task name: its row for a sync holds the sync's next fire time. */
    static final String SCHEDULE_TASK = "ferry-schedule";

    public DashboardController(TenantService tenants, SyncService syncs, RunService runs, LiveRun live, HistoryQuery history, Clock clock,
                               ObjectProvider<SchedulerClient> scheduler, ConflictService conflicts,
                               PreviewService previews) {
        this.scheduler = scheduler;
        this.conflicts = conflicts;
        this.previews = previews;
        this.tenants = tenants;
        this.syncs = syncs;
        this.runs = runs;
        this.live = live;
        this.history = history;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ login

    @GetMapping({"", "/"})
    ResponseEntity<String> root() {
        return seeOther("/ui/syncs");
    }

    @GetMapping("/login")
    ResponseEntity<String> loginPage(HttpServletRequest req) {
        return login(req, HttpStatus.OK, null);
    }

    @PostMapping("/login")
    ResponseEntity<String> login(HttpServletRequest req, @RequestParam(defaultValue = "") String token) {
        String t = token.trim();
        if (t.isEmpty() || tenants.tenantOfToken(t).isEmpty()) {
            return login(req, HttpStatus.UNAUTHORIZED, t.isEmpty() ? "Enter your tenant's API token." : "That token is not valid. Use a tenant's API token (the admin token cannot log in here).");
        }
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/ui/syncs"))
                .header(HttpHeaders.SET_COOKIE, WebAuthFilter.sessionCookie(t, req.isSecure()).toString())
                .header(HttpHeaders.SET_COOKIE, WebAuthFilter.loginCsrfCookie("", req.isSecure()).mutate().maxAge(0).build().toString())
                .build();
    }

    private ResponseEntity<String> login(HttpServletRequest req, HttpStatus status, String error) {
        String csrf = Ids.random("", 32);
        String body = "<section class=\"login\"><h1>Log in to Ferry</h1>" + Layout.notice(error, true)
                + "<form method=\"post\" action=\"/ui/login\">"
                + "<input type=\"hidden\" name=\"" + WebAuthFilter.CSRF_FIELD + "\" value=\"" + csrf + "\">"
                + "<div class=\"field\"><label for=\"token\">Tenant API token</label>"
                + "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required data-testid=\"login-token\""
                + (error != null ? " aria-invalid=\"true\"" : "") + "></div>"
                + "<button type=\"submit\" data-testid=\"btn-login\">Log in</button></form>"
                + "<p class=\"hint\">The token is kept in an HttpOnly cookie for this site only; log out to remove it.</p></section>";
        return ResponseEntity.status(status).contentType(HTML)
                .header(HttpHeaders.SET_COOKIE, WebAuthFilter.loginCsrfCookie(csrf, req.isSecure()).toString())
                .body(Layout.page(null, "Log in", body));
    }

    @PostMapping("/logout")
    ResponseEntity<String> logout(HttpServletRequest req) {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/ui/login"))
                .header(HttpHeaders.SET_COOKIE, WebAuthFilter.clearedSessionCookie(req.isSecure()).toString()).build();
    }

    // ------------------------------------------------------------------ syncs

    @GetMapping("/syncs")
    ResponseEntity<String> syncsPage(HttpServletRequest req, @RequestParam Optional<String> notice, @RequestParam Optional<String> error) {
        WebSession s = WebSession.of(req);
        StringBuilder b = new StringBuilder("<h1>Syncs</h1>");
        b.append(Layout.notice(notice.orElse(null), false)).append(Layout.notice(error.orElse(null), true));
        List<SyncService.Sync> list = syncs.list(s.tenantId());
        if (list.isEmpty()) {
            b.append("<p data-testid=\"no-syncs\">No syncs yet. Create one with <code>POST /api/v1/syncs</code> (see docs/server.md).</p>");
        }
        b.append("<div class=\"cards\">");
        for (SyncService.Sync sync : list) b.append(syncCard(s, sync));
        b.append("</div>");
        return ok(s, "Syncs", b.toString());
    }

    private String syncCard(WebSession s, SyncService.Sync sync) {
        Map<String, Object> def = sync.definition();
        Optional<RunService.RunRow> active = runs.activeRunOf(sync.id());
        List<Map<String, Object>> last = runs.history(s.tenantId(), sync.id(), 0, 1).items();
        StringBuilder b = new StringBuilder("<article class=\"card\" data-testid=\"sync-row\" data-sync-name=\"").append(esc(sync.name()))
                .append("\" aria-labelledby=\"h-").append(esc(sync.id())).append("\">");
        b.append("<h2 id=\"h-").append(esc(sync.id())).append("\" data-testid=\"sync-name\">").append(esc(sync.name())).append("</h2>")
                .append("<p class=\"route\" data-testid=\"sync-route\">").append(route(sync)).append("</p>");
        b.append("<dl class=\"facts\">");
        Map<String, Object> sched = RunPanel.map(def.get("schedule"));
        boolean paused = !sched.isEmpty() && sync.schedule().isEmpty();
        String scheduleText = sync.schedule().map(DashboardController::schedule)
                .orElse(sched.isEmpty() ? "manual only" : (sched.containsKey("cron") ? "cron " + sched.get("cron") : "every " + sched.get("every")) + " (paused)");
        b.append("<div><dt>Schedule</dt><dd data-testid=\"sync-schedule\">").append(esc(scheduleText)).append("</dd></div>");
        if (last.isEmpty()) {
            b.append("<div><dt>Last run</dt><dd data-testid=\"sync-last-run\">never</dd></div>");
        } else {
            Map<String, Object> r = last.get(0);
            Map<String, Object> c = RunPanel.map(r.get("counters"));
            b.append("<div><dt>Last run</dt><dd data-testid=\"sync-last-run\"><a href=\"/ui/runs/").append(esc(r.get("runId"))).append("\">")
                    .append("<span class=\"badge s-").append(esc(r.get("status"))).append("\" data-testid=\"last-run-status\">").append(esc(r.get("status"))).append("</span></a> ")
                    .append(esc(Html.when(r.get("startedAt") != null ? r.get("startedAt") : r.get("requestedAt"))))
                    .append(" · ").append(esc(Html.seconds(r.get("seconds")))).append(" · ").append(esc(Html.number(c.get("processed")))).append(" rows</dd></div>");
        }
        b.append("<div><dt>Next run</dt><dd data-testid=\"sync-next-run\">").append(esc(nextRun(sync, last))).append("</dd></div>");
        Optional<java.time.Duration> cooldown = SyncService.cooldown(sync);
        Optional<java.time.Duration> coolingFor = active.isPresent() ? Optional.empty() : runs.cooldownLeft(sync);
        cooldown.ifPresent(c -> b.append("<div><dt>Cool-down</dt><dd data-testid=\"sync-cooldown\">").append(esc(Html.duration(c)))
                .append(" after a run ends</dd></div>"));
        boolean bidirectional = ConflictService.isBidirectional(sync);
        long pending = bidirectional ? conflicts.list(s.tenantId(), sync.id(), "pending", 1000).size() : 0;
        if (bidirectional) {
            b.append("<div><dt>Conflicts waiting</dt><dd data-testid=\"sync-pending-conflicts\">").append(pending).append("</dd></div>");
        }
        b.append("</dl><div class=\"actions\">");
        String busy = active.map(a -> "run " + a.runId() + " is " + a.status() + "; wait for it or cancel it")
                .or(() -> coolingFor.map(left -> "cooling down: the last run ended less than " + Html.duration(cooldown.orElseThrow())
                        + " ago; it may run again in " + Math.max(1, (left.toMillis() + 999) / 1000) + " s"))
                .orElse(null);
        b.append(Layout.postButton(s, "/ui/syncs/" + sync.id() + "/runs", "Run now", "btn-run-now", "primary", busy, null))
                .append(Layout.postButton(s, "/ui/syncs/" + sync.id() + "/runs", "Full refresh", "btn-full-refresh", "", busy,
                        "<input type=\"hidden\" name=\"fullRefresh\" value=\"true\">"));
        if (!sched.isEmpty()) {
            b.append(Layout.postButton(s, "/ui/syncs/" + sync.id() + "/schedule", paused ? "Enable schedule" : "Disable schedule",
                    paused ? "btn-schedule-enable" : "btn-schedule-disable", "", null,
                    "<input type=\"hidden\" name=\"enabled\" value=\"" + paused + "\">"));
        }
        active.ifPresent(a -> b.append("<a class=\"button\" href=\"/ui/runs/").append(esc(a.runId())).append("\" data-testid=\"link-active-run\">Watch the active run</a>"));
        if (bidirectional) {
            b.append("<a class=\"button\" href=\"/ui/syncs/").append(esc(sync.id())).append("/conflicts\" data-testid=\"link-conflicts\">Conflicts (")
                    .append(pending).append(" waiting)</a>");
        }
        b.append("<a class=\"button\" href=\"/ui/syncs/").append(esc(sync.id())).append("/preview\" data-testid=\"link-preview\">Preview</a>");
        b.append("<a class=\"button\" href=\"/ui/syncs/").append(esc(sync.id())).append("/history\" data-testid=\"link-history\">History</a>")
                .append("<a class=\"button\" href=\"/ui/syncs/").append(esc(sync.id())).append("/edit\" data-testid=\"link-edit\">Edit</a>");
        b.append("</div></article>");
        return b.toString();
    }

    /** Source → destination, or a ⇄ b for a bidirectional sync (HTML). */
    static String route(SyncService.Sync sync) {
        Map<String, Object> def = sync.definition();
        if (ConflictService.isBidirectional(sync)) {
            return "a: " + esc(describe(def.get("a"))) + " <span aria-hidden=\"true\">⇄</span><span class=\"sr-only\">both ways with</span> b: "
                    + esc(describe(def.get("b")));
        }
        return esc(describe(def.get("source"))) + " <span aria-hidden=\"true\">→</span><span class=\"sr-only\">to</span> "
                + esc(describe(def.get("destination")));
    }

    /** "postgres dash_src.items" — the connector and what it reads or writes; never a URL (it may carry credentials). */
    static String describe(Object side) {
        Map<String, Object> m = RunPanel.map(side);
        String type = String.valueOf(m.getOrDefault("type", "?"));
        for (String k : List.of("table", "collection", "path", "file", "sheet", "endpoint")) {
            Object v = m.get(k);
            if (v instanceof String str && !str.isBlank()) return type + " " + str;
        }
        if (m.get("query") instanceof String q) return type + " query";
        return type;
    }

    static String schedule(SyncService.Schedule sc) {
        return sc.cron().map(c -> "cron " + c).orElseGet(() -> sc.every().map(d -> "every " + Html.duration(d)).orElse("manual only"));
    }

    private String nextRun(SyncService.Sync sync, List<Map<String, Object>> last) {
        if (sync.schedule().isEmpty()) return sync.definition().get("schedule") != null ? "paused" : "not scheduled";
        SyncService.Schedule sc = sync.schedule().get();
        Instant now = clock.instant();
        try {
            Optional<Instant> planned = scheduler.getObject().getScheduledExecution(TaskInstanceId.of(SCHEDULE_TASK, sync.id()))
                    .map(e -> e.getExecutionTime());
            if (planned.isPresent()) return planned.get().isAfter(now) ? Html.when(planned.get()) : "due now";
        } catch (RuntimeException e) {
            // no scheduler row yet: estimate from the definition below
        }
        try {
            if (sc.cron().isPresent()) {
                var next = CronExpression.parse(sc.cron().get()).next(now.atZone(ZoneOffset.UTC));
                return next == null ? "never" : Html.when(next.toInstant());
            }
            Instant base = last.isEmpty() ? sync.updatedAt() : Instant.parse(String.valueOf(last.get(0).get("requestedAt")));
            Instant next = base.plus(sc.every().orElseThrow());
            return next.isAfter(now) ? "about " + Html.when(next) : "due now";
        } catch (RuntimeException e) {
            return "—";
        }
    }

    @PostMapping("/syncs/{id}/runs")
    ResponseEntity<String> trigger(HttpServletRequest req, @PathVariable String id, @RequestParam(defaultValue = "false") boolean fullRefresh) {
        WebSession s = WebSession.of(req);
        try {
            RunService.RunRow r = runs.trigger(s.tenantId(), id, new RunService.RunOptions(fullRefresh ? Boolean.TRUE : null, null), "dashboard");
            return seeOther("/ui/runs/" + r.runId());
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) throw e;
            return seeOther("/ui/syncs?error=" + Html.url(e.getMessage()));
        }
    }

    /** Pauses or resumes a sync's schedule: {@code schedule.enabled} in its definition, saved through the service. */
    @PostMapping("/syncs/{id}/schedule")
    ResponseEntity<String> schedule(HttpServletRequest req, @PathVariable String id, @RequestParam boolean enabled) {
        WebSession s = WebSession.of(req);
        SyncService.Sync sync = syncs.get(s.tenantId(), id);
        Map<String, Object> def = JSON.convertValue(sync.definition(), new tools.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Object>>() {
        });
        if (!(def.get("schedule") instanceof Map<?, ?>)) return seeOther("/ui/syncs?error=" + Html.url(sync.name() + " has no schedule; add one in Edit."));
        @SuppressWarnings("unchecked")
        Map<String, Object> sched = (Map<String, Object>) def.get("schedule");
        if (enabled) sched.remove("enabled");
        else sched.put("enabled", false);
        try {
            syncs.update(s.tenantId(), id, def);
            return seeOther("/ui/syncs?notice=" + Html.url((enabled ? "Resumed" : "Paused") + " the schedule of " + sync.name() + "."));
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) throw e;
            return seeOther("/ui/syncs?error=" + Html.url(e.getMessage()));
        }
    }

    @GetMapping("/syncs/{id}/edit")
    ResponseEntity<String> editPage(HttpServletRequest req, @PathVariable String id) {
        WebSession s = WebSession.of(req);
        SyncService.Sync sync = syncs.get(s.tenantId(), id);
        return edit(s, sync, SyncForm.flatten(sync.definition()), List.of(), HttpStatus.OK);
    }

    @PostMapping("/syncs/{id}/edit")
    ResponseEntity<String> save(HttpServletRequest req, @PathVariable String id) {
        WebSession s = WebSession.of(req);
        SyncService.Sync sync = syncs.get(s.tenantId(), id);
        List<SyncForm.Field> fields = SyncForm.fromParameters(req.getParameterMap());
        try {
            syncs.update(s.tenantId(), id, SyncForm.rebuild(fields));
            return seeOther("/ui/syncs?notice=" + Html.url("Saved " + sync.name() + "."));
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) throw e;
            return edit(s, sync, fields, problems(e), HttpStatus.BAD_REQUEST);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<SyncForm.Problem> problems(ApiException e) {
        List<SyncForm.Problem> out = new ArrayList<>();
        if (e.extra().get("errors") instanceof List<?> errors) {
            for (Object o : errors) {
                Map<String, Object> m = (Map<String, Object>) o;
                out.add(new SyncForm.Problem(String.valueOf(m.getOrDefault("path", "")), String.valueOf(m.get("message"))));
            }
        }
        if (out.isEmpty()) out.add(new SyncForm.Problem("", e.getMessage()));
        return out;
    }

    private ResponseEntity<String> edit(WebSession s, SyncService.Sync sync, List<SyncForm.Field> fields, List<SyncForm.Problem> problems,
                                        HttpStatus status) {
        String body = breadcrumb(sync, "Edit") + "<h1>Edit " + esc(sync.name()) + "</h1>"
                + "<p class=\"hint\">Secrets are shown masked (******); leave them masked to keep the stored value, or type a new one.</p>"
                + SyncForm.render(s, sync.id(), fields, problems);
        return ResponseEntity.status(status).contentType(HTML).body(Layout.page(s, "Edit " + sync.name(), body));
    }

    // ------------------------------------------------------------------ history

    @GetMapping("/syncs/{id}/history")
    ResponseEntity<String> historyPage(HttpServletRequest req, @PathVariable String id, @RequestParam(defaultValue = "0") int page,
                                       @RequestParam(defaultValue = "") String status) {
        WebSession s = WebSession.of(req);
        SyncService.Sync sync = syncs.get(s.tenantId(), id);
        Optional<String> filter = STATUSES.contains(status) ? Optional.of(status) : Optional.empty();
        int p = Math.max(0, page);
        RunService.Page<Map<String, Object>> rows = history.page(s.tenantId(), id, filter, p, PAGE);
        StringBuilder b = new StringBuilder(breadcrumb(sync, "History")).append("<h1>History of ").append(esc(sync.name())).append("</h1>");

        // chart: the last 100 runs, oldest first
        List<Map<String, Object>> recent = new ArrayList<>(runs.history(s.tenantId(), id, 0, 100).items());
        java.util.Collections.reverse(recent);
        List<Long> xs = new ArrayList<>();
        List<Object> secs = new ArrayList<>();
        List<Object> rowCounts = new ArrayList<>();
        for (Map<String, Object> r : recent) {
            if (r.get("startedAt") == null) continue;
            xs.add(Instant.parse(String.valueOf(r.get("startedAt"))).getEpochSecond());
            secs.add(r.get("seconds"));
            rowCounts.add(RunPanel.map(r.get("counters")).get("processed"));
        }
        String data = JSON.writeValueAsString(List.of(xs, secs, rowCounts)).replace("</", "<\\/");
        b.append("<figure class=\"chart\"><div id=\"history-chart\" data-testid=\"history-chart\" role=\"img\" aria-label=\"Duration in seconds and rows per run over time, ")
                .append(xs.size()).append(" runs\"></div><figcaption>Duration (s, left axis) and rows (right axis) per run</figcaption></figure>")
                .append("<script type=\"application/json\" id=\"history-data\">").append(data).append("</script>")
                .append("<link rel=\"stylesheet\" href=\"/webjars/uplot/dist/uPlot.min.css\">")
                .append("<script src=\"/webjars/uplot/dist/uPlot.iife.min.js\" defer></script><script src=\"/ferry-ui/history.js\" defer></script>");

        b.append("<form method=\"get\" class=\"filter\"><label for=\"status\">Status</label><select id=\"status\" name=\"status\" data-testid=\"filter-status\">")
                .append("<option value=\"\">all</option>");
        for (String st : STATUSES) {
            b.append("<option").append(filter.map(st::equals).orElse(false) ? " selected" : "").append(">").append(st).append("</option>");
        }
        b.append("</select> <button type=\"submit\" data-testid=\"btn-filter\">Filter</button></form>");

        b.append("<table class=\"runs\" data-testid=\"history-table\"><caption>").append(rows.total()).append(" runs")
                .append(filter.map(f -> " with status " + f).orElse("")).append("</caption><thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Status</th>")
                .append("<th scope=\"col\">Started</th><th scope=\"col\">Duration</th><th scope=\"col\">Rows</th><th scope=\"col\">Failed</th><th scope=\"col\">Trigger</th></tr></thead><tbody>");
        for (Map<String, Object> r : rows.items()) {
            Map<String, Object> c = RunPanel.map(r.get("counters"));
            b.append("<tr data-testid=\"history-row\"><td><a href=\"/ui/runs/").append(esc(r.get("runId"))).append("\">").append(esc(r.get("runId"))).append("</a></td>")
                    .append("<td><span class=\"badge s-").append(esc(r.get("status"))).append("\">").append(esc(r.get("status"))).append("</span></td>")
                    .append("<td>").append(esc(Html.when(r.get("startedAt") != null ? r.get("startedAt") : r.get("requestedAt")))).append("</td>")
                    .append("<td>").append(esc(Html.seconds(r.get("seconds")))).append("</td>")
                    .append("<td>").append(esc(Html.number(c.get("processed")))).append("</td>")
                    .append("<td>").append(esc(Html.number(c.get("failed")))).append("</td>")
                    .append("<td>").append(esc(r.get("trigger"))).append("</td></tr>");
        }
        b.append("</tbody></table>");
        long pages = Math.max(1, (rows.total() + PAGE - 1) / PAGE);
        String q = filter.map(f -> "&status=" + Html.url(f)).orElse("");
        b.append("<nav class=\"pager\" aria-label=\"Pages\">");
        if (p > 0) b.append("<a href=\"?page=").append(p - 1).append(q).append("\" rel=\"prev\" data-testid=\"page-prev\">Newer</a> ");
        b.append("<span data-testid=\"page-info\">page ").append(p + 1).append(" of ").append(pages).append("</span>");
        if (p + 1 < pages) b.append(" <a href=\"?page=").append(p + 1).append(q).append("\" rel=\"next\" data-testid=\"page-next\">Older</a>");
        b.append("</nav>");
        return ok(s, "History of " + sync.name(), b.toString());
    }

    // ------------------------------------------------------------------ runs

    @GetMapping("/runs/{runId}")
    ResponseEntity<String> runPage(HttpServletRequest req, @PathVariable String runId, @RequestParam Optional<String> notice,
                                   @RequestParam Optional<String> error) {
        WebSession s = WebSession.of(req);
        Map<String, Object> view = runs.view(runs.get(s.tenantId(), runId));
        SyncService.Sync sync = syncs.get(s.tenantId(), String.valueOf(view.get("syncId")));
        boolean active = RunPanel.active(view);
        StringBuilder b = new StringBuilder(breadcrumb(sync, "Run " + runId))
                .append("<h1>Run <span class=\"mono\" data-testid=\"run-id\">").append(esc(runId)).append("</span></h1>")
                .append(Layout.notice(notice.orElse(null), false)).append(Layout.notice(error.orElse(null), true))
                .append("<p class=\"route\">").append(esc(sync.name())).append(": ").append(route(sync)).append("</p>");
        List<RunLog.Event> events = runs.events(runId, 0);
        long lastEvent = events.isEmpty() ? 0 : events.get(events.size() - 1).id();
        b.append("<section aria-labelledby=\"progress-h\"");
        if (active) b.append(" hx-ext=\"sse\" sse-connect=\"/ui/runs/").append(esc(runId)).append("/live?after=").append(lastEvent).append("\" sse-close=\"done\"");
        b.append("><h2 id=\"progress-h\" class=\"sr-only\">Progress</h2><div id=\"run-panel\" data-testid=\"run-panel\"")
                .append(active ? " sse-swap=\"run,done\"" : "").append(">")
                .append(RunPanel.render(s, view, null)).append("</div>")
                .append("<section id=\"retries\" aria-labelledby=\"retries-h\" data-testid=\"run-retries-section\"")
                .append(active ? " sse-swap=\"retries\"" : "").append(">").append(Timeline.retries(events)).append("</section>")
                .append("<h2>Timeline</h2><ol class=\"timeline\" id=\"timeline\" data-testid=\"timeline\"")
                .append(active ? " sse-swap=\"timeline\" hx-swap=\"beforeend\"" : "").append(">")
                .append(Timeline.html(events)).append("</ol></section>");
        return ok(s, "Run " + runId, b.toString());
    }

    @GetMapping(path = "/runs/{runId}/live", produces = "text/event-stream")
    SseEmitter liveRun(HttpServletRequest req, @PathVariable String runId, @RequestParam(defaultValue = "0") long after) {
        WebSession s = WebSession.of(req);
        runs.get(s.tenantId(), runId);
        return live.stream(s, runId, after);
    }

    @PostMapping("/runs/{runId}/cancel")
    ResponseEntity<String> cancel(HttpServletRequest req, @PathVariable String runId) {
        WebSession s = WebSession.of(req);
        try {
            runs.cancel(s.tenantId(), runId);
            return seeOther("/ui/runs/" + runId + "?notice=" + Html.url("Cancel requested: the run stops after its batch in flight, its checkpoint kept."));
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) throw e;
            return seeOther("/ui/runs/" + runId + "?error=" + Html.url(e.getMessage()));
        }
    }

    @PostMapping("/runs/{runId}/retry")
    ResponseEntity<String> retry(HttpServletRequest req, @PathVariable String runId) {
        WebSession s = WebSession.of(req);
        try {
            RunService.RunRow r = runs.retry(s.tenantId(), runId);
            return seeOther("/ui/runs/" + r.runId());
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) throw e;
            return seeOther("/ui/runs/" + runId + "?error=" + Html.url(e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ preview

    /** The dry run: what a run now would do, with field diffs; reads both sides, writes nothing (so a plain GET). */
    @GetMapping("/syncs/{id}/preview")
    ResponseEntity<String> previewPage(HttpServletRequest req, @PathVariable String id, @RequestParam(defaultValue = "5") int samples) {
        WebSession s = WebSession.of(req);
        SyncService.Sync sync = syncs.get(s.tenantId(), id);
        StringBuilder b = new StringBuilder(breadcrumb(sync, "Preview")).append("<h1>Preview of ").append(esc(sync.name())).append("</h1>")
                .append("<p class=\"route\">").append(route(sync)).append("</p>");
        Map<String, Object> report;
        try {
            report = previews.preview(s.tenantId(), id, RunService.RunOptions.DEFAULT, Math.max(0, Math.min(PreviewService.MAX_SAMPLES, samples)));
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) throw e;
            b.append(Layout.notice("The preview could not be made: " + e.getMessage(), true));
            return ok(s, "Preview of " + sync.name(), b.toString());
        }
        b.append("<p data-testid=\"preview-summary\">What a run started now would do (")
                .append(esc(report.get("direction"))).append(", worked out in ").append(esc(Html.seconds(report.get("seconds"))))
                .append("). <strong>Nothing was written</strong>: not the destination, not the dead letters, not the run state.</p>");
        Map<String, Object> counts = RunPanel.map(report.get("counters"));
        b.append("<table class=\"counters\" data-testid=\"preview-counters\"><caption>Would do</caption><thead><tr>");
        counts.keySet().forEach(k -> b.append("<th scope=\"col\">").append(esc(k)).append("</th>"));
        b.append("</tr></thead><tbody><tr>");
        counts.forEach((k, v) -> b.append("<td data-testid=\"preview-count-").append(esc(k)).append("\">").append(esc(Html.number(v))).append("</td>"));
        b.append("</tr></tbody></table>");
        RunPanel.map(report.get("samples")).forEach((kind, list) -> {
            if (!(list instanceof List<?> items) || items.isEmpty()) return;
            b.append("<h2>").append(esc(kind)).append(": ").append(items.size()).append(" of ").append(esc(Html.number(counts.get(kind))))
                    .append(" shown</h2><ul class=\"samples\" data-testid=\"preview-samples-").append(esc(kind)).append("\">");
            for (Object o : items) {
                Map<String, Object> x = RunPanel.map(o);
                b.append("<li data-testid=\"preview-sample\">key <span class=\"mono\" data-testid=\"preview-key\">").append(esc(x.get("key"))).append("</span>");
                if (x.get("side") != null) b.append(" (written to ").append(esc(x.get("side"))).append(")");
                b.append("<ul>");
                RunPanel.map(x.get("fields")).forEach((field, d) -> {
                    Map<String, Object> diff = RunPanel.map(d);
                    b.append("<li data-testid=\"preview-diff\"><span class=\"mono\">").append(esc(field)).append("</span>: ")
                            .append(kind.startsWith("inserted") ? "<em>(new)</em>" : diffValue(diff.get("old"))).append(" <span aria-hidden=\"true\">→</span><span class=\"sr-only\">becomes</span> ")
                            .append(diffValue(diff.get("new"))).append("</li>");
                });
                b.append("</ul></li>");
            }
            b.append("</ul>");
        });
        return ok(s, "Preview of " + sync.name(), b.toString());
    }

    private static String diffValue(Object v) {
        return v == null ? "<em>null</em>" : "<span class=\"mono\">" + esc(v) + "</span>";
    }

    // ------------------------------------------------------------------ conflicts

    @GetMapping("/syncs/{id}/conflicts")
    ResponseEntity<String> conflictsPage(HttpServletRequest req, @PathVariable String id, @RequestParam Optional<String> notice,
                                         @RequestParam Optional<String> error) {
        WebSession s = WebSession.of(req);
        SyncService.Sync sync = syncs.get(s.tenantId(), id);
        StringBuilder b = new StringBuilder(breadcrumb(sync, "Conflicts")).append("<h1>Conflicts of ").append(esc(sync.name())).append("</h1>")
                .append(Layout.notice(notice.orElse(null), false)).append(Layout.notice(error.orElse(null), true));
        if (!ConflictService.isBidirectional(sync)) {
            b.append("<p data-testid=\"not-bidirectional\">").append(esc(sync.name()))
                    .append(" is a one-way sync: conflicts exist only for direction: bidirectional.</p>");
            return ok(s, "Conflicts of " + sync.name(), b.toString());
        }
        List<dev.ferry.core.bidi.Conflict> waiting = conflicts.list(s.tenantId(), id, "pending", 200);
        b.append("<p>Fields both sides changed to different values, held for a person by the <code>manual</code> strategy. "
                + "The record's other fields are synced already; the value you choose is written to both sides at the sync's next run.</p>");
        if (waiting.isEmpty()) {
            b.append("<p data-testid=\"no-conflicts\">No conflicts waiting for a decision.</p>");
        } else {
            b.append("<table class=\"conflicts\" data-testid=\"conflicts\"><caption>").append(waiting.size()).append(" waiting</caption><thead><tr>")
                    .append("<th scope=\"col\">Key</th><th scope=\"col\">Field</th><th scope=\"col\">Base (last synced)</th>")
                    .append("<th scope=\"col\">a</th><th scope=\"col\">b</th><th scope=\"col\">Found</th><th scope=\"col\">Decide</th></tr></thead><tbody>");
            for (dev.ferry.core.bidi.Conflict c : waiting) {
                String action = "/ui/syncs/" + id + "/conflicts/" + c.id() + "/resolve";
                String inputId = "value-" + c.id();
                b.append("<tr data-testid=\"conflict-row\" data-conflict-id=\"").append(c.id()).append("\">")
                        .append("<td class=\"mono\" data-testid=\"conflict-key\">").append(esc(c.key())).append("</td>")
                        .append("<td data-testid=\"conflict-field\">").append(esc(c.field())).append("</td>")
                        .append("<td data-testid=\"conflict-base\">").append(value(c.base())).append("</td>")
                        .append("<td data-testid=\"conflict-a\">").append(value(c.aValue())).append("</td>")
                        .append("<td data-testid=\"conflict-b\">").append(value(c.bValue())).append("</td>")
                        .append("<td>").append(esc(Html.when(c.detectedAt()))).append(" <a href=\"/ui/runs/").append(esc(c.runId()))
                        .append("\">run</a></td><td class=\"decide\">")
                        .append(Layout.postButton(s, action, "Keep a's value", "btn-take-a", "", null, "<input type=\"hidden\" name=\"take\" value=\"a\">"))
                        .append(Layout.postButton(s, action, "Keep b's value", "btn-take-b", "", null, "<input type=\"hidden\" name=\"take\" value=\"b\">"))
                        .append("<form method=\"post\" action=\"").append(esc(action)).append("\" class=\"inline\">").append(Layout.csrfField(s))
                        .append("<label for=\"").append(inputId).append("\">Other value for ").append(esc(c.field())).append("</label> ")
                        .append("<input id=\"").append(inputId).append("\" name=\"value\" data-testid=\"conflict-value\" required> ")
                        .append("<button type=\"submit\" data-testid=\"btn-set-value\">Use this value</button></form>")
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        List<dev.ferry.core.bidi.Conflict> decided = conflicts.list(s.tenantId(), id, "all", 50).stream()
                .filter(c -> c.status() != dev.ferry.core.bidi.Conflict.Status.PENDING).limit(20).toList();
        if (!decided.isEmpty()) {
            b.append("<h2>Recently decided</h2><table class=\"conflicts\" data-testid=\"decided-conflicts\"><thead><tr><th scope=\"col\">Key</th>")
                    .append("<th scope=\"col\">Field</th><th scope=\"col\">a</th><th scope=\"col\">b</th><th scope=\"col\">Resolution</th>")
                    .append("<th scope=\"col\">By</th><th scope=\"col\">Status</th></tr></thead><tbody>");
            for (dev.ferry.core.bidi.Conflict c : decided) {
                b.append("<tr data-testid=\"decided-row\" data-conflict-id=\"").append(c.id()).append("\"><td class=\"mono\">").append(esc(c.key()))
                        .append("</td><td>").append(esc(c.field())).append("</td><td>").append(value(c.aValue())).append("</td><td>")
                        .append(value(c.bValue())).append("</td><td data-testid=\"decided-resolution\">").append(value(c.resolution()))
                        .append("</td><td>").append(esc(c.resolvedBy().orElse("?"))).append("</td><td data-testid=\"decided-status\">")
                        .append(esc(c.status() == dev.ferry.core.bidi.Conflict.Status.RESOLVED ? "resolved: applied at the next run" : c.status().label()))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        return ok(s, "Conflicts of " + sync.name(), b.toString());
    }

    private static String value(Optional<String> v) {
        return v.map(x -> "<span class=\"mono\">" + esc(x) + "</span>").orElse("<em>NULL</em>");
    }

    @PostMapping("/syncs/{id}/conflicts/{conflictId}/resolve")
    ResponseEntity<String> resolveConflict(HttpServletRequest req, @PathVariable String id, @PathVariable long conflictId,
                                           @RequestParam Optional<String> take, @RequestParam Optional<String> value) {
        WebSession s = WebSession.of(req);
        String back = "/ui/syncs/" + id + "/conflicts";
        if (take.isPresent() == value.isPresent()) {
            return seeOther(back + "?error=" + Html.url("Choose a's value, b's value, or type another value."));
        }
        try {
            ConflictService.Decision d = take.<ConflictService.Decision>map(ConflictService.Decision.Take::new)
                    .orElseGet(() -> new ConflictService.Decision.Value(value));
            dev.ferry.core.bidi.Conflict c = conflicts.resolve(s.tenantId(), id, conflictId, d, "dashboard");
            return seeOther(back + "?notice=" + Html.url("Conflict on " + c.field() + " of key " + c.key() + " resolved to "
                    + c.resolution().map(x -> "'" + x + "'").orElse("NULL") + "; both sides get it at the next run."));
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) throw e;
            return seeOther(back + "?error=" + Html.url(e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ dead letters

    @GetMapping("/runs/{runId}/dead-letters")
    ResponseEntity<String> deadLetters(HttpServletRequest req, @PathVariable String runId, @RequestParam(defaultValue = "0") int page,
                                       @RequestParam Optional<String> notice, @RequestParam Optional<String> error) {
        WebSession s = WebSession.of(req);
        Map<String, Object> view = runs.view(runs.get(s.tenantId(), runId));
        SyncService.Sync sync = syncs.get(s.tenantId(), String.valueOf(view.get("syncId")));
        int p = Math.max(0, page);
        RunService.Page<Map<String, Object>> letters = runs.deadLetters(s.tenantId(), runId, p, PAGE);
        StringBuilder b = new StringBuilder(breadcrumb(sync, "Dead letters of " + runId))
                .append("<h1>Dead letters of run <a class=\"mono\" href=\"/ui/runs/").append(esc(runId)).append("\">").append(esc(runId)).append("</a></h1>")
                .append(Layout.notice(notice.orElse(null), false)).append(Layout.notice(error.orElse(null), true))
                .append("<p>Records the destination refused, with the reason; fix the cause (the data or the destination), then replay them. "
                        + "Run status: <span class=\"badge s-").append(esc(view.get("status"))).append("\" data-testid=\"run-status\">")
                .append(esc(view.get("status"))).append("</span></p>");
        if (letters.total() == 0) {
            b.append("<p data-testid=\"no-dead-letters\">No dead letters waiting.</p>");
        } else {
            String disabled = RunPanel.active(view) ? "the run is still active" : null;
            b.append("<div class=\"actions\">").append(Layout.postButton(s, "/ui/runs/" + runId + "/dead-letters/replay", "Replay all " + letters.total(),
                    "btn-replay-all", "primary", disabled, "<input type=\"hidden\" name=\"all\" value=\"true\">")).append("</div>");
            b.append("<form method=\"post\" action=\"/ui/runs/").append(esc(runId)).append("/dead-letters/replay\">").append(Layout.csrfField(s))
                    .append("<table class=\"letters\" data-testid=\"dead-letters\"><caption>").append(letters.total()).append(" dead letters</caption>")
                    .append("<thead><tr><th scope=\"col\">Select</th><th scope=\"col\">Key</th><th scope=\"col\">Reason</th><th scope=\"col\">Payload</th><th scope=\"col\">When</th></tr></thead><tbody>");
            for (Map<String, Object> l : letters.items()) {
                b.append("<tr data-testid=\"dead-letter\"><td><input type=\"checkbox\" name=\"id\" value=\"").append(esc(l.get("id")))
                        .append("\" aria-label=\"Select dead letter with key ").append(esc(l.get("key"))).append("\" data-testid=\"dl-select\"></td>")
                        .append("<td class=\"mono\" data-testid=\"dl-key\">").append(esc(l.get("key"))).append("</td>")
                        .append("<td data-testid=\"dl-reason\">").append(esc(l.get("reason"))).append("</td>")
                        .append("<td class=\"payload\"><pre data-testid=\"dl-payload\">").append(esc(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(l.get("payload")))).append("</pre></td>")
                        .append("<td>").append(esc(Html.when(l.get("createdAt")))).append("</td></tr>");
            }
            b.append("</tbody></table><div class=\"actions\"><button type=\"submit\" data-testid=\"btn-replay-selected\"")
                    .append(disabled != null ? " disabled" : "").append(">Replay selected</button></div></form>");
            long pages = Math.max(1, (letters.total() + PAGE - 1) / PAGE);
            b.append("<nav class=\"pager\" aria-label=\"Pages\">");
            if (p > 0) b.append("<a href=\"?page=").append(p - 1).append("\" rel=\"prev\">Previous</a> ");
            b.append("<span>page ").append(p + 1).append(" of ").append(pages).append("</span>");
            if (p + 1 < pages) b.append(" <a href=\"?page=").append(p + 1).append("\" rel=\"next\">Next</a>");
            b.append("</nav>");
        }
        return ok(s, "Dead letters of " + runId, b.toString());
    }

    @PostMapping("/runs/{runId}/dead-letters/replay")
    ResponseEntity<String> replay(HttpServletRequest req, @PathVariable String runId, @RequestParam(defaultValue = "false") boolean all,
                                  @RequestParam(name = "id", required = false) List<Long> ids) {
        WebSession s = WebSession.of(req);
        if (!all && (ids == null || ids.isEmpty())) {
            return seeOther("/ui/runs/" + runId + "/dead-letters?error=" + Html.url("Select at least one dead letter to replay, or replay all."));
        }
        try {
            Map<String, Object> after = runs.replay(s.tenantId(), runId, all ? Optional.empty() : Optional.of(java.util.Set.copyOf(ids)));
            return seeOther("/ui/runs/" + runId + "/dead-letters?notice=" + Html.url(String.valueOf(after.getOrDefault("message", "replayed"))
                    + " — run is now " + after.get("status") + "."));
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) throw e;
            return seeOther("/ui/runs/" + runId + "/dead-letters?error=" + Html.url(e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ shared

    @ExceptionHandler(ApiException.class)
    ResponseEntity<String> refused(HttpServletRequest req, ApiException e) {
        WebSession s = (WebSession) req.getAttribute(WebSession.ATTRIBUTE);
        String body = "<h1>" + e.status().value() + " " + esc(e.status().getReasonPhrase()) + "</h1>" + Layout.notice(e.getMessage(), true)
                + "<p><a href=\"/ui/syncs\">Back to the syncs</a></p>";
        return ResponseEntity.status(e.status()).contentType(HTML).body(Layout.page(s, e.status().getReasonPhrase(), body));
    }

    private static String breadcrumb(SyncService.Sync sync, String here) {
        return "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/ui/syncs\">Syncs</a> › <a href=\"/ui/syncs/" + esc(sync.id())
                + "/history\">" + esc(sync.name()) + "</a> › <span aria-current=\"page\">" + esc(here) + "</span></nav>";
    }

    private static ResponseEntity<String> ok(WebSession s, String title, String body) {
        return ResponseEntity.ok().contentType(HTML).body(Layout.page(s, title, body));
    }

    private static ResponseEntity<String> seeOther(String location) {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(location)).build();
    }
}
