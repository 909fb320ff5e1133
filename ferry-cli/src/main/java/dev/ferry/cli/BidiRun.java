package dev.ferry.cli;

import dev.ferry.core.Connectors;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import dev.ferry.core.StateStore;
import dev.ferry.core.bidi.BidiEngine;
import dev.ferry.core.bidi.BidiJob;

import java.time.Clock;

/** {@code ferry run} of a bidirectional sync file (and its --dry-run). */
final class BidiRun {
    private BidiRun() {
    }

    static int run(StateStore store, Connectors connectors, BidiJob job, boolean dryRun, boolean json, int samples) {
        BidiEngine engine = new BidiEngine(store, connectors, Clock.systemUTC());
        if (dryRun) {
            var p = engine.preview(job, samples);
            if (json) Console.json(System.out, p.asMap());
            else PreviewOutput.print(System.out, p);
            return FerryCli.OK;
        }
        RunInfo r = FerryCli.cancellable(cancel -> engine.run(job, RunListener.NONE, cancel));
        if (json) Console.json(System.out, r);
        else System.out.println(Console.summary(r));
        return Console.exitCode(r);
    }
}
