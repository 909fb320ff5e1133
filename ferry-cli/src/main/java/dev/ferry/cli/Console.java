package dev.ferry.cli;

import dev.ferry.core.Counters;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunStatus;
import dev.ferry.core.RunViews;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How runs are printed: one-line summaries, tables, JSON. */
final class Console {
    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Console() {
    }

    static String summary(RunInfo r) {
        if ("bidirectional".equals(r.options().get("direction"))) {
            Map<String, Object> st = r.stats();
            return String.format(Locale.ROOT, "%s %s %s in %ss: %s a→b, %s b→a, %s conflicts (%s resolved by rule, %s waiting for a person), %s deleted  [run %s]%s",
                    r.status() == RunStatus.SUCCEEDED ? "OK  " : "FAIL", r.syncName(), r.status().label(), st.getOrDefault("seconds", 0.0),
                    st.get("a_to_b"), st.get("b_to_a"), st.get("conflicts"), st.get("auto_resolved"), st.get("pending_manual"),
                    st.get("deleted"), r.runId(), r.error().map(e -> "\n  error: " + e).orElse("")
                            + r.message().filter(m -> r.status() != RunStatus.SUCCEEDED).map(m -> "\n  " + m).orElse(""));
        }
        Counters c = r.counters();
        Object secs = r.stats().getOrDefault("seconds", 0.0);
        Object rate = r.stats().get("rowsPerSecond");
        return String.format(Locale.ROOT, "%s %s %s in %ss: %d rows (%d inserted, %d updated, %d unchanged, %d skipped, %d failed%s)%s  [run %s]%s",
                r.status() == RunStatus.SUCCEEDED ? "OK  " : r.status() == RunStatus.PARTIAL ? "PART" : "FAIL",
                r.syncName(), r.status().label(), secs, c.processed(), c.inserted(), c.updated(), c.unchanged(), c.skipped(),
                c.failed(), c.merged() > 0 ? ", " + c.merged() + " merged" : "", rate == null ? "" : ", " + rate + " rows/s", r.runId(),
                r.error().map(e -> "\n  error: " + e).orElse("") + r.message().filter(m -> r.status() != RunStatus.SUCCEEDED).map(m -> "\n  " + m).orElse(""));
    }

    static void json(PrintStream out, Object value) {
        out.println(JSON.writeValueAsString(value));
    }

    static void json(PrintStream out, RunInfo r) {
        json(out, RunViews.asMap(r));
    }

    static void table(PrintStream out, List<RunInfo> runs) {
        if (runs.isEmpty()) {
            out.println("no runs");
            return;
        }
        out.printf("%-25s %-20s %-11s %-9s %7s %10s %9s %9s %9s %7s  %s%n", "RUN", "SYNC", "STATUS", "PHASE", "PCT",
                "PROCESSED", "INSERTED", "UPDATED", "UNCHANGED", "FAILED", "STARTED");
        for (RunInfo r : runs) {
            Counters c = r.counters();
            out.printf(Locale.ROOT, "%-25s %-20s %-11s %-9s %7s %10d %9d %9d %9d %7d  %s%n", r.runId(), r.syncName(),
                    r.status().label(), r.phase().label(), r.percent().map(p -> String.format(Locale.ROOT, "%.1f%%", p)).orElse("-"),
                    c.processed(), c.inserted(), c.updated(), c.unchanged(), c.failed(), r.startedAt());
        }
    }

    static int exitCode(RunInfo r) {
        // the sync file does not fit the source (a mapped field it lacks, …): a configuration error
        if (Boolean.TRUE.equals(r.stats().get("configError"))) return 2;
        return switch (r.status()) {
            case SUCCEEDED -> 0;
            case PARTIAL -> 3;
            default -> 1;
        };
    }
}
