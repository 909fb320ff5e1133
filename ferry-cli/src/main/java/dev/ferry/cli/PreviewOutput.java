package dev.ferry.cli;

import dev.ferry.core.PreviewReport;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How {@code ferry run --dry-run} prints a preview: counts on one line, then the sample changes with their field diffs. */
final class PreviewOutput {
    private PreviewOutput() {
    }

    static void print(PrintStream out, PreviewReport p) {
        StringBuilder counts = new StringBuilder();
        p.counts().forEach((k, v) -> counts.append(counts.isEmpty() ? "" : ", ").append(v).append(' ').append(k));
        out.printf(Locale.ROOT, "DRY RUN %s (%s) in %.2fs: would do %s; nothing was written%n", p.syncName(), p.direction(),
                p.seconds(), counts);
        for (Map.Entry<String, List<PreviewReport.Sample>> e : p.samples().entrySet()) {
            if (e.getValue().isEmpty()) continue;
            long all = p.count(e.getKey());
            out.printf(Locale.ROOT, "  %s (%d of %d shown):%n", e.getKey(), e.getValue().size(), Math.max(all, e.getValue().size()));
            for (PreviewReport.Sample s : e.getValue()) {
                out.println("    key " + s.key() + s.side().map(x -> " [" + x + "]").orElse(""));
                s.fields().forEach((f, d) -> out.println("      " + f + ": " + text(d.before(), !isInsert(e.getKey()))
                        + " → " + text(d.after(), true)));
            }
        }
    }

    private static boolean isInsert(String kind) {
        return kind.startsWith("inserted");
    }

    private static String text(java.util.Optional<String> v, boolean show) {
        if (!show) return "(new)";
        return v.map(x -> "'" + (x.length() > 60 ? x.substring(0, 57) + "..." : x) + "'").orElse("null");
    }
}
