package dev.ferry.cli;

import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/** A live progress bar on a terminal; elsewhere a progress line every few seconds on stderr. */
final class ProgressDisplay implements RunListener, AutoCloseable {
    private final boolean terminal;
    private final PrintStream err;
    private final String title;
    private ProgressBar bar;
    private long lastLine;

    ProgressDisplay(String title, boolean terminal, PrintStream err) {
        this.title = title;
        this.terminal = terminal;
        this.err = err;
    }

    @Override
    public void onUpdate(RunInfo run) {
        long total = run.counters().total();
        long done = run.counters().processed();
        String phase = run.phase().label();
        Object sourcePhase = run.stats().get("sourcePhase");
        String extra = sourcePhase != null && !run.status().finished() ? phase + " (" + sourcePhase + ")" : phase;
        if (run.phase() == dev.ferry.core.Phase.DOWNLOADING && run.stats().get("bytesDownloaded") instanceof Number got) {
            Object of = run.stats().get("contentLength");
            extra = "downloading " + megabytes(got.longValue()) + (of instanceof Number n ? " of " + megabytes(n.longValue()) : "");
        }
        if (terminal) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName(title).setInitialMax(total > 0 ? total : -1)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit(" rows", 1).showSpeed()
                        .setUpdateIntervalMillis(250).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err))
                        .build();
            }
            if (total > 0 && bar.getMax() != total) bar.maxHint(total);
            bar.stepTo(done);
            bar.setExtraMessage(" " + extra);
        } else if (!run.status().finished()) {
            long now = System.currentTimeMillis();
            if (now - lastLine >= 5000 || run.phase() == dev.ferry.core.Phase.DOWNLOADING && now - lastLine >= 2000) {
                lastLine = now;
                err.println(String.format(Locale.ROOT, "[%s] %s %d/%s rows%s%s", title, extra, done, total > 0 ? total : "?",
                        run.percent().map(p -> String.format(Locale.ROOT, " (%.1f%%)", p)).orElse(""),
                        run.stats().containsKey("etaSeconds") ? ", ETA " + run.stats().get("etaSeconds") + "s" : ""));
            }
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
