package dev.ferry.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** The public shape of a run (CLI --json, REST API): stable field names scripts rely on. */
public final class RunViews {
    private RunViews() {
    }

    public static Map<String, Object> asMap(RunInfo r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", r.runId());
        m.put("syncId", r.syncName());
        m.put("status", r.status().label());
        m.put("phase", r.phase().label());
        m.put("percentComplete", r.percent().map(p -> Math.round(p * 10) / 10.0).orElse(null));
        Counters c = r.counters();
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("total", c.total() < 0 ? null : c.total());
        counters.put("processed", c.processed());
        counters.put("inserted", c.inserted());
        counters.put("updated", c.updated());
        counters.put("unchanged", c.unchanged());
        counters.put("skipped", c.skipped());
        counters.put("failed", c.failed());
        counters.put("merged", c.merged());
        if ("bidirectional".equals(r.options().get("direction"))) {
            // a bidirectional run's own counters (inserted/updated above count rows written to either side)
            for (String k : dev.ferry.core.bidi.BidiEngine.COUNTERS) counters.put(k, r.stats().getOrDefault(k, 0L));
        }
        m.put("counters", counters);
        m.put("startedAt", r.startedAt().toString());
        m.put("finishedAt", r.finishedAt().map(Object::toString).orElse(null));
        m.put("message", r.message().orElse(null));
        m.put("error", r.error().orElse(null));
        m.put("resumedFrom", r.resumedFrom().orElse(null));
        m.put("destination", r.destination());
        m.put("seconds", r.stats().get("seconds"));
        m.put("options", r.options());
        m.put("stats", r.stats());
        return m;
    }
}
