package dev.ferry.server.web;

import dev.ferry.server.service.RunLog;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LiveRunTest {
    static Map<String, Object> view(String status, String phase, long processed) {
        return Map.of("runId", "r1", "status", status, "phase", phase, "counters", Map.of("processed", processed, "total", 100L),
                "startedAt", "2026-01-01T00:00:00Z");
    }

    @Test
    void aRunWithoutChangePastTheTimeOutIsStalledOnceUntilItMovesAgain() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        LiveRun.Watch w = new LiveRun.Watch(Duration.ofSeconds(60), t0.toEpochMilli());
        w.update(view("running", "writing", 10), Clock.fixed(t0, ZoneOffset.UTC));
        assertThat(w.stalled(t0.plusSeconds(59).toEpochMilli())).isNull();
        assertThat(w.stalled(t0.plusSeconds(61).toEpochMilli())).isEqualTo(61L);
        assertThat(w.stalled(t0.plusSeconds(70).toEpochMilli())).as("reported once").isNull();
        w.update(view("running", "writing", 20), Clock.fixed(t0.plusSeconds(71), ZoneOffset.UTC));
        assertThat(w.stalled(t0.plusSeconds(100).toEpochMilli())).isNull();
        assertThat(w.stalled(t0.plusSeconds(132).toEpochMilli())).isEqualTo(61L);
    }

    @Test
    void anEndedRunIsNeverStalled() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        LiveRun.Watch w = new LiveRun.Watch(Duration.ofSeconds(1), t0.toEpochMilli());
        w.update(view("succeeded", "done", 100), Clock.fixed(t0, ZoneOffset.UTC));
        assertThat(w.stalled(t0.plusSeconds(30).toEpochMilli())).isNull();
    }

    @Test
    void timelineShowsStoredEventsEscapedAndRetriesWithTheirReasons() {
        Instant t = Instant.parse("2026-01-01T00:00:05Z");
        List<RunLog.Event> events = List.of(new RunLog.Event(1, "r1", t, RunLog.TRIGGERED, "triggered by api"),
                new RunLog.Event(2, "r1", t, RunLog.RETRY, "retry 1: rate limited <429>"),
                new RunLog.Event(3, "r1", t, RunLog.BATCH, "3 batches (0–2) committed: 600 rows"));
        assertThat(Timeline.html(events)).contains("data-testid=\"timeline-triggered\"", "data-testid=\"timeline-retry\"",
                "rate limited &lt;429&gt;", "2026-01-01 00:00:05 UTC").doesNotContain("<429>");
        String retries = Timeline.retries(events);
        assertThat(retries).contains("data-testid=\"retry-count\">1<", "data-testid=\"run-retry-reason\"", "retry 1: rate limited &lt;429&gt;")
                .doesNotContain("600 rows");
        assertThat(Timeline.retries(List.of())).contains("data-testid=\"no-retries\"");
    }

    @Test
    void aSourceThatPreparesFirstOwnsItsShareOfTheBar() {
        WebSession s = new WebSession("t", "acme", "c");
        Map<String, Object> v = new java.util.HashMap<>(view("running", "downloading", 0));
        v.put("percentComplete", 30.0);
        v.put("stats", Map.of("preparationShare", 0.6, "preparationProgress", 0.5, "bytesRead", 1000L, "totalBytes", 2000L));
        String html = RunPanel.render(s, v, null);
        assertThat(html).contains("<strong aria-current=\"step\">preparing (downloading, processing) 0–60 %</strong>",
                "<span>saving rows 60–100 %</span>", "class=\"tick\" style=\"left:60.0%\"", "width:30.0%", "1,000 bytes of 2,000");
        v.put("phase", "writing");
        assertThat(RunPanel.render(s, v, null)).contains("<strong aria-current=\"step\">saving rows 60–100 %</strong>");
        assertThat(RunPanel.render(s, view("running", "writing", 5), null)).contains("reading &amp; writing rows 0–100 %");
    }

    @Test
    void panelMarksStalledRunsAndEscapesMessages() {
        WebSession s = new WebSession("t", "acme", "c");
        Map<String, Object> v = new java.util.HashMap<>(view("running", "writing", 10));
        v.put("message", "<script>x</script>");
        String html = RunPanel.render(s, v, 75L);
        assertThat(html).contains("data-testid=\"run-stalled\"", "no progress for 75 s", "&lt;script&gt;").doesNotContain("<script>");
        assertThat(html).contains("data-testid=\"counter-processed\">10<", "data-testid=\"run-percent\">—<");
        assertThat(RunPanel.render(s, view("succeeded", "done", 100), 75L)).doesNotContain("run-stalled");
    }
}
