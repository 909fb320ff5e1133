package dev.ferry.cli;
import dev.ferry.core.config.SyncFile;
import dev.ferry.core.config.SyncFileLoader;

import dev.ferry.core.CancelToken;
import dev.ferry.core.Connectors;
import dev.ferry.core.Engine;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import dev.ferry.core.StateStore;
import dev.ferry.core.SyncJob;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.SyncException;
import dev.ferry.store.JdbcStateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The ferry command line. Exit codes: 0 ok, 1 failed, 2 bad config/usage, 3 partial (dead letters). */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "ferry 0.1.0",
        description = "Moves records from sources into destinations in batches: exactly once per key, resumable, observable.",
        subcommands = {FerryCli.Run.class, FerryCli.Status.class, FerryCli.History.class, FerryCli.Replay.class,
                ConflictsCommand.class, ExplainMatchCommand.class, FerryCli.Serve.class, DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class FerryCli {
    static final int OK = 0, FAILED = 1, USAGE = 2, PARTIAL = 3;

    @Option(names = "--state", description = "State store JDBC URL (default: $FERRY_STATE, the sync file's state:, or "
            + SyncFileLoader.DEFAULT_STATE + ")", scope = CommandLine.ScopeType.INHERIT)
    String state;

    @Option(names = {"-v", "--verbose"}, description = "Log details and print stack traces", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    public static void main(String[] args) {
        boolean verbose = List.of(args).contains("--verbose") || List.of(args).contains("-v");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.log.dev.ferry", verbose ? "debug" : "warn");
        // Flyway warns that H2 is newer than it was verified with: true, known, and not the user's concern
        System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", verbose ? "info" : "error");
        // a failed run's error is printed once, in its summary; the log line and the driver's own warning repeat it
        System.setProperty("org.slf4j.simpleLogger.log.dev.ferry.core.Engine.failure", verbose ? "error" : "off");
        System.setProperty("org.slf4j.simpleLogger.log.org.mariadb.jdbc", verbose ? "info" : "error");
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new FerryCli());
        withHelp(cl); // every error says "see: ferry COMMAND --help": each command must answer it
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> handle(e, cmd.getErr(), ((FerryCli) cmd.getCommandSpec().root().userObject()).verbose));
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("ferry: " + e.getMessage());
            e.getCommandLine().getErr().println("see: ferry " + e.getCommandLine().getCommandName() + " --help");
            return USAGE;
        });
        return cl.execute(args);
    }

    /** -h/--help (and -V/--version) on every command and subcommand, not only on the root. */
    static void withHelp(CommandLine cl) {
        cl.getCommandSpec().mixinStandardHelpOptions(true);
        for (CommandLine sub : cl.getSubcommands().values()) withHelp(sub);
    }

    static int handle(Exception e, java.io.PrintWriter err, boolean verbose) {
        if (e instanceof ConfigException ce) {
            err.println("ferry: the configuration has " + ce.problems().size() + (ce.problems().size() == 1 ? " problem:" : " problems:"));
            ce.problems().forEach(p -> err.println("  - " + p));
            if (verbose) e.printStackTrace(err);
            return USAGE;
        }
        err.println("ferry: " + (e instanceof SyncException ? e.getMessage() : dev.ferry.core.ErrorClassifier.describe(e)));
        if (verbose) e.printStackTrace(err);
        else if (!(e instanceof SyncException)) err.println("(run with --verbose for details)");
        return FAILED;
    }

    String stateUrl(Optional<String> fromFile) {
        if (state != null && !state.isBlank()) return state;
        String env = System.getenv("FERRY_STATE");
        if (env != null && !env.isBlank()) return env;
        return fromFile.orElse(SyncFileLoader.DEFAULT_STATE);
    }

    static StateStore openStore(String url) {
        return JdbcStateStore.open(url, null, null);
    }

    static boolean interactive() {
        return System.console() != null && System.getenv("CI") == null;
    }

    /** Runs a job with a progress display; SIGINT/SIGTERM stops it after the current batch (resumable). */
    static RunInfo runWithProgress(Engine engine, SyncJob job, boolean showProgress) {
        try (ProgressDisplay progress = new ProgressDisplay(job.name(), interactive(), System.err)) {
            RunListener listener = showProgress ? progress : RunListener.NONE;
            return cancellable(cancel -> engine.run(job, listener, cancel));
        }
    }

    /**
     * Runs {@code body} with a token that SIGINT/SIGTERM cancels; the shutdown waits (up to 30 s) for the body to stop
     * at its next batch boundary, so the checkpoint is kept and the next run resumes.
     */
    static <T> T cancellable(java.util.function.Function<CancelToken, T> body) {
        CancelToken cancel = new CancelToken();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancel.cancel();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "ferry-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.apply(cancel);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    @Command(name = "run", description = "Run a sync file (resumes an interrupted run from its checkpoint).")
    static final class Run implements Callable<Integer> {
        @CommandLine.ParentCommand FerryCli root;
        @Parameters(paramLabel = "FILE", description = "The sync file (YAML)") Path file;
        @Option(names = "--full-refresh", description = "Forget checkpoint and cursor: re-read the whole source") boolean fullRefresh;
        @Option(names = "--json", description = "Print the final run as JSON") boolean json;
        @Option(names = "--no-progress", description = "No progress bar") boolean noProgress;
        @Option(names = "--dry-run", description = "Preview: say what the run would insert, update, … (with field diffs) and write nothing") boolean dryRun;
        @Option(names = "--samples", defaultValue = "5", description = "With --dry-run: sample changes shown per kind (default ${DEFAULT-VALUE})") int samples;

        @Override
        public Integer call() {
            Connectors connectors = Connectors.load();
            SyncFile sf = new SyncFileLoader(connectors, System::getenv).load(file);
            SyncJob job = sf.job().withFullRefresh(fullRefresh);
            try (StateStore store = openStore(root.stateUrl(Optional.of(sf.stateUrl())))) {
                if (sf.bidirectional()) return BidiRun.run(store, connectors, sf.bidi().get().withFullRefresh(fullRefresh), dryRun, json, samples);
                if (dryRun) {
                    dev.ferry.core.PreviewReport p = new dev.ferry.core.Previewer(store, connectors, Clock.systemUTC()).preview(job, samples);
                    if (json) Console.json(System.out, p.asMap());
                    else PreviewOutput.print(System.out, p);
                    return OK;
                }
                Engine engine = new Engine(store, connectors, Clock.systemUTC());
                RunInfo r = runWithProgress(engine, job, !noProgress); // progress goes to stderr, so --json output stays clean
                PrintStream out = System.out;
                if (json) Console.json(out, r);
                else out.println(Console.summary(r));
                return Console.exitCode(r);
            }
        }
    }

    @Command(name = "status", description = "Show active runs, or one run.")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand FerryCli root;
        @Parameters(paramLabel = "RUN_ID", arity = "0..1") String runId;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            try (StateStore store = openStore(root.stateUrl(Optional.empty()))) {
                if (runId != null) {
                    RunInfo r = store.findRun(runId).orElseThrow(() -> new SyncException("run " + runId
                            + " is not in the state store " + root.stateUrl(Optional.empty()) + "; list runs with: ferry history"));
                    if (json) Console.json(System.out, withDeadLetters(r, lettersOfPass(store, r)));
                    else System.out.println(Console.summary(r));
                    return OK;
                }
                List<RunInfo> active = store.activeRuns();
                if (json) Console.json(System.out, active.stream().map(dev.ferry.core.RunViews::asMap).toList());
                else if (active.isEmpty()) System.out.println("no active runs");
                else Console.table(System.out, active);
                return OK;
            }
        }
    }

    /** Unresolved dead letters of a run and of the runs it resumed (a killed run keeps those of its committed batches). */
    static List<dev.ferry.core.DeadLetter> lettersOfPass(StateStore store, RunInfo run) {
        List<dev.ferry.core.DeadLetter> out = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Optional<RunInfo> r = Optional.of(run);
        while (r.isPresent() && seen.add(r.get().runId()) && seen.size() <= 100) {
            out.addAll(0, store.deadLetters(r.get().runId()));
            r = r.get().resumedFrom().flatMap(store::findRun);
        }
        return out;
    }

    /** A run's JSON plus its unresolved dead letters (up to 100 of each category): key, field, rule, reason. */
    static java.util.Map<String, Object> withDeadLetters(RunInfo r, List<dev.ferry.core.DeadLetter> letters) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(dev.ferry.core.RunViews.asMap(r));
        for (String category : List.of(dev.ferry.core.DeadLetter.SKIPPED, dev.ferry.core.DeadLetter.FAILED)) {
            List<java.util.Map<String, Object>> list = letters.stream().filter(l -> l.category().equals(category)).limit(100).map(l -> {
                java.util.Map<String, Object> x = new java.util.LinkedHashMap<>();
                x.put("key", l.sourceKey());
                l.field().ifPresent(f -> x.put("field", f));
                l.rule().ifPresent(f -> x.put("rule", f));
                x.put("reason", l.reason());
                return x;
            }).toList();
            m.put(category + "Records", list);
        }
        return m;
    }

    @Command(name = "history", description = "List past runs, newest first.")
    static final class History implements Callable<Integer> {
        @CommandLine.ParentCommand FerryCli root;
        @Parameters(paramLabel = "SYNC", arity = "0..1", description = "Only this sync's runs") String sync;
        @Option(names = "--limit", defaultValue = "20") int limit;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            try (StateStore store = openStore(root.stateUrl(Optional.empty()))) {
                List<RunInfo> runs = store.history(Optional.ofNullable(sync), limit);
                if (json) Console.json(System.out, runs.stream().map(dev.ferry.core.RunViews::asMap).toList());
                else Console.table(System.out, runs);
                return OK;
            }
        }
    }

    @Command(name = "replay", description = "Re-send a run's dead letters (after fixing the data or the destination).")
    static final class Replay implements Callable<Integer> {
        @CommandLine.ParentCommand FerryCli root;
        @Parameters(index = "0", paramLabel = "RUN_ID") String runId;
        @Parameters(index = "1", paramLabel = "FILE", arity = "0..1", description = "The sync file (default: the one the run used)") Path file;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            Connectors connectors = Connectors.load();
            try (StateStore store = openStore(root.stateUrl(Optional.empty()))) {
                RunInfo original = store.findRun(runId).orElseThrow(() -> new SyncException("run " + runId
                        + " is not in the state store " + root.stateUrl(Optional.empty()) + "; list runs with: ferry history"));
                Path syncFile = file != null ? file : Optional.ofNullable(original.options().get("origin")).map(o -> Path.of(o.toString()))
                        .orElseThrow(() -> new ConfigException("run " + runId + " did not come from a sync file; give it: ferry replay " + runId + " FILE"));
                SyncJob job = new SyncFileLoader(connectors, System::getenv).load(syncFile).job();
                RunInfo r = new Engine(store, connectors, Clock.systemUTC()).replay(runId, job);
                if (json) Console.json(System.out, r);
                else System.out.println(Console.summary(r) + r.message().map(m -> "\n  " + m).orElse(""));
                return Console.exitCode(r);
            }
        }
    }

    /** Listed here for help; the ./ferry launcher starts the server's own jar (Spring Boot, its own logging). */
    @Command(name = "serve", description = "Start the REST API server (./ferry serve [--port N] [--state JDBC_URL]); see docs/server.md.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", description = "HTTP port (default: $SERVER_PORT or 8080)") Integer port;

        @Override
        public Integer call() {
            System.err.println("ferry: start the server with the launcher: ./ferry serve [--port N] [--state JDBC_URL] "
                    + "(it runs ferry-server/target/ferry-server.jar); see docs/server.md");
            return USAGE;
        }
    }
}
