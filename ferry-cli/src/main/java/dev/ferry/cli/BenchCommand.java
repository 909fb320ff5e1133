package dev.ferry.cli;

import dev.ferry.cli.BenchProcesses.FerryRun;
import dev.ferry.cli.BenchProcesses.Psql;
import dev.ferry.cli.BenchReport.Repetition;
import dev.ferry.cli.BenchReport.Step;
import dev.ferry.cli.BenchReport.Target;
import dev.ferry.spi.SyncException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code ferry bench}: Ferry against the raw {@code psql | psql} text COPY pipe on the same server. Every Ferry
 * run is the packaged CLI in its own JVM, timed from process start to exit, as a user would see it.
 */
@Command(name = "bench", subcommands = TransformBench.class, description = {
        "Benchmark Ferry against the raw psql COPY pipe: full load, unchanged re-run, 10 %% incremental,",
        "PostgreSQL → MariaDB, and peak heap on a table F times larger. See docs/benchmarks.md."})
final class BenchCommand implements Callable<Integer> {
    static final String KEY = "taskdetailkey";
    static final String SHARED_SQL = "shared/bench/taskdetail.sql";
    static final String BUNDLED_SQL = "/dev/ferry/cli/bench/taskdetail.sql";
    /** The schema name the workload SQL writes into; replaced by {@code <prefix>_src}. */
    static final String WORKLOAD_SCHEMA = "bench_src";

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the source table (default ${DEFAULT-VALUE})") long rows;
    @Option(names = "--repeat", defaultValue = "3", description = "Repetitions of each timed step; the median is reported (default ${DEFAULT-VALUE})") int repeat;
    @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure as JSON to FILE") Path jsonFile;
    @Option(names = "--skip-mariadb", description = "Skip the PostgreSQL → MariaDB step") boolean skipMariadb;
    @ArgGroup(exclusive = true) BigSize big = new BigSize();
    @Option(names = "--batch-size", defaultValue = "10000", description = "Ferry's batch.size (default ${DEFAULT-VALUE})") int batchSize;
    @Option(names = "--pg-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test", description = "PostgreSQL for source, destination and baseline (default ${DEFAULT-VALUE})") String pgUrl;
    @Option(names = "--pg-user", defaultValue = "postgres", description = "(default ${DEFAULT-VALUE})") String pgUser;
    @Option(names = "--pg-password", defaultValue = "", description = "(default: none)") String pgPassword;
    @Option(names = "--maria-url", defaultValue = "jdbc:mariadb://127.0.0.1:3306/test", description = "MariaDB for the cross-database step (default ${DEFAULT-VALUE})") String mariaUrl;
    @Option(names = "--maria-user", defaultValue = "root", description = "(default ${DEFAULT-VALUE})") String mariaUser;
    @Option(names = "--maria-password", defaultValue = "", description = "(default: none)") String mariaPassword;
    @Option(names = "--sql", paramLabel = "PATH", description = "Workload SQL (psql script creating bench_src.taskdetail, -v rows=N); default: "
            + SHARED_SQL + " found above the current directory or the jar, else a bundled copy") Path sqlFile;
    @Option(names = "--schema-prefix", defaultValue = "bench", description = "Schemas <prefix>_src, <prefix>_dst, <prefix>_raw; MariaDB database <prefix>_dst (default ${DEFAULT-VALUE})") String prefix;
    @Option(names = "--heap", defaultValue = "512m", description = "-Xmx of every Ferry run, so peak heaps compare (default ${DEFAULT-VALUE})") String heap;
    @Option(names = "--java-opts", defaultValue = "-XX:+UseParallelGC -XX:TieredStopAtLevel=1", description = "More JVM options for the Ferry runs, space-separated (default ${DEFAULT-VALUE}, as ./ferry)") String javaOpts;
    @Option(names = "--work-dir", defaultValue = ".ferry/bench", description = "Sync files and state stores of the runs (default ${DEFAULT-VALUE})") Path workDir;
    @Option(names = "--ferry-jar", description = "The packaged CLI to run (default: the jar this command runs from)") Path ferryJarOption;
    @Option(names = "--only", split = ",", paramLabel = "STEP", description = "Run only these steps (baseline always runs): "
            + "full_load, unchanged_rerun, incremental, mariadb_full_load, big_full_load, preview, bidirectional") List<String> only;
    @Option(names = "--bidi-heap", description = "-Xmx of the untimed first bidirectional run (default: --heap; it spills to a temporary file what does not fit)") String bidiHeap;
    @Option(names = "--bidi-state", description = "State store of the bidirectional step, which holds the base of every record (default: an H2 file in --work-dir)") String bidiState;
    @Option(names = "--drop-big", description = "Drop the big source table afterwards (default: keep it for the next bench; it takes minutes to make)") boolean dropBig;

    static final class BigSize {
        @Option(names = "--big-factor", defaultValue = "10", description = "The big table has F × rows (default ${DEFAULT-VALUE})") int factor = 10;
        @Option(names = "--big-rows", description = "Rows in the big table (instead of --big-factor)") Long rows;
    }

    private String srcSchema, dstSchema, rawSchema, source, bigSource;
    private Psql psql;
    private BenchProcesses ferry;
    private String workloadSql;
    private String workloadOrigin;
    private Connection pg;
    private final BenchReport report = new BenchReport();

    @Override
    public Integer call() throws Exception {
        if (rows < 10 || repeat < 1 || batchSize < 1) throw new SyncException("--rows must be ≥ 10, --repeat and --batch-size ≥ 1");
        if (!prefix.matches("[a-z][a-z0-9_]*")) throw new SyncException("--schema-prefix: use lower-case letters, digits and _");
        srcSchema = prefix + "_src";
        dstSchema = prefix + "_dst";
        rawSchema = prefix + "_raw";
        source = srcSchema + ".taskdetail";
        bigSource = srcSchema + ".taskdetail_big";
        workDir = workDir.toAbsolutePath().normalize();
        Files.createDirectories(workDir);
        psql = Psql.fromJdbc(pgUrl, pgUser, pgPassword);
        Path jar = ferryJar();
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        jvm.addAll(Stream.of(javaOpts.trim().split("\\s+")).filter(s -> !s.isBlank()).toList());
        // as ./ferry does: a class-data archive, made by the first Ferry run, trims the start-up of the others
        jsa = workDir.resolve("ferry.jsa");
        if (Files.exists(jsa) && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) < 0) Files.delete(jsa);
        // the JVM's notes about the archive would land on stdout, in the middle of the JSON
        jvm.addAll(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off,cds+dynamic=off"));
        ferry = new BenchProcesses(Path.of(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString())), jar, jvm,
                Map.of("FERRY_BENCH_PG_PASSWORD", pgPassword, "FERRY_BENCH_MARIA_PASSWORD", mariaPassword));
        loadWorkloadSql();

        report.setup.put("startedAt", Instant.now().toString());
        report.setup.put("rows", rows);
        report.setup.put("repeat", repeat);
        report.setup.put("batchSize", batchSize);
        report.setup.put("cores", Runtime.getRuntime().availableProcessors());
        report.setup.put("java", System.getProperty("java.version"));
        report.setup.put("ferryJvmOptions", jvm);
        report.setup.put("ferryJar", jar.toString());
        report.setup.put("workloadSql", workloadOrigin);
        report.setup.put("postgres", pgUrl);
        // the machine may be shared: the load around the bench says how much to trust its seconds
        report.setup.put("loadAverageAtStart", loadAverage());

        try (Connection c = DriverManager.getConnection(pgUrl, pgUser, pgPassword)) {
            pg = c;
            report.setup.put("postgresVersion", queryString("SHOW server_version"));
            exec("CREATE SCHEMA IF NOT EXISTS " + dstSchema);
            exec("CREATE SCHEMA IF NOT EXISTS " + rawSchema);
            ensureWorkloadTable(source, rows);

            Step baseline = report.add(new Step("baseline", "psql COPY | psql COPY", rows));
            Step full = report.add(new Step("full_load", "Ferry full load PG→PG", rows));
            Step rerun = report.add(new Step("unchanged_rerun", "Ferry re-run, nothing changed", rows));
            Step incremental = report.add(new Step("incremental", "Ferry incremental, 10 % changed", rows));
            Step maria = report.add(new Step("mariadb_full_load", "Ferry full load PG→MariaDB", rows));
            Step bigStep = report.add(new Step("big_full_load", "Ferry full load, big table", bigRowsWanted()));

            Step previewStep = report.add(new Step("preview", "Ferry --dry-run, 1 % changed", rows));
            Step previewRun = report.add(new Step("preview_run", "Ferry run after it, 1 % changed", rows));
            Step bidi = report.add(new Step("bidirectional", "bidirectional incremental, 1 %+1 % changed, 0.1 % conflicting", rows));

            guard(baseline, () -> baseline(baseline));
            if (wants(full)) guard(full, () -> fullLoad(full));
            if (wants(rerun)) guard(rerun, () -> unchangedRerun(rerun, full));
            if (wants(incremental)) guard(incremental, () -> incremental(incremental));
            if (skipMariadb) maria.skip("--skip-mariadb");
            else if (wants(maria)) guard(maria, () -> mariadb(maria));
            if (wants(bigStep)) guard(bigStep, () -> bigLoad(bigStep, full));
            if (wants(previewStep)) guard(previewStep, () -> preview(previewStep, previewRun));
            if (wants(bidi)) guard(bidi, () -> bidirectional(bidi));

            ratiosAndTargets(baseline, full, rerun, incremental, maria, bigStep);
            if (previewStep.outcome == BenchReport.Outcome.OK && previewRun.medianWall().isPresent() && previewStep.medianWall().isPresent()) {
                double r = previewStep.medianWall().get() / previewRun.medianWall().get();
                previewStep.figures.put("previewToRun", BenchReport.round(r, 3));
                previewStep.notes.add(String.format(Locale.ROOT, "×%.2f of the run", r));
                previewStep.target = new Target("≤ the run that follows", Optional.of(r <= 1.0));
            }
            if (bidi.outcome == BenchReport.Outcome.OK && bidi.medianWall().isPresent()) {
                bidi.target = new Target("≤ 10 s", Optional.of(bidi.medianWall().get() <= 10.0));
            }
            for (Step st : report.steps) {
                if (st != baseline && st.repetitions.isEmpty() && st.outcome == BenchReport.Outcome.OK && !wants(st)) st.skip("not in --only");
            }
        } finally {
            pg = null;
        }
        report.setup.put("finishedAt", Instant.now().toString());
        report.setup.put("loadAverageAtEnd", loadAverage());
        System.out.println();
        System.out.printf(Locale.ROOT, "ferry bench: %,d rows, median of %d, %d cores, load average %s → %s, workload %s%n", rows, repeat,
                Runtime.getRuntime().availableProcessors(), report.setup.get("loadAverageAtStart"), report.setup.get("loadAverageAtEnd"),
                workloadOrigin);
        report.printTable(System.out);
        if (jsonFile != null) {
            Path parent = jsonFile.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(jsonFile, Console.JSON.writeValueAsString(report.asMap()));
            System.out.println("figures written to " + jsonFile);
        }
        return report.allOk() ? FerryCli.OK : FerryCli.FAILED;
    }

    interface StepBody {
        void run() throws Exception;
    }

    /** A step that throws is reported as failed with its reason, and the bench goes on with the next. */
    private static void guard(Step step, StepBody body) {
        try {
            body.run();
        } catch (Exception e) {
            step.fail(e instanceof SyncException ? e.getMessage() : dev.ferry.core.ErrorClassifier.describe(e));
        }
        progress(step.title + ": " + step.outcome.name().toLowerCase(Locale.ROOT) + (step.problem == null ? "" : " (" + step.problem + ")"));
    }

    // --- 1. baseline ---------------------------------------------------------------------------------------------

    private void baseline(Step step) throws Exception {
        String raw = rawSchema + ".taskdetail";
        for (int r = 1; r <= repeat; r++) {
            exec("DROP TABLE IF EXISTS " + raw);
            exec("CREATE TABLE " + raw + " (LIKE " + source + " INCLUDING ALL)"); // same primary key as Ferry's table
            double wall = BenchProcesses.psqlCopyPipe(psql, source, raw, workDir);
            long copied = queryLong("SELECT count(*) FROM " + raw);
            if (copied != rows) step.fail("the pipe copied " + copied + " rows, not " + rows);
            step.repetitions.add(new Repetition(wall, Optional.empty(), Map.of(), Optional.empty(), Map.of()));
            progress(String.format(Locale.ROOT, "baseline %d/%d: %.2f s", r, repeat, wall));
        }
        exec("DROP TABLE IF EXISTS " + raw);
    }

    // --- 2. full load ----------------------------------------------------------------------------------------------

    private Path fullLoadState;
    private Path jsa;

    private void fullLoad(Step step) throws Exception {
        String dst = dstSchema + ".taskdetail";
        if (!Files.exists(jsa)) {
            // the first JVM with a new jar writes the class-data archive as it exits (seconds): not part of a load
            exec("DROP TABLE IF EXISTS " + dst);
            Path sync = writeSync("bench-full", "postgres", pgUrl, pgUser, "FERRY_BENCH_PG_PASSWORD", source, dst, false, freshDir("full-0"));
            FerryRun warm = ferry.runFerry(sync, workDir, List.of());
            step.notes.add(String.format(Locale.ROOT, "untimed first run %.1f s (writes the JVM's class-data archive)", warm.wallSeconds()));
        }
        for (int r = 1; r <= repeat; r++) {
            exec("DROP TABLE IF EXISTS " + dst);
            Path state = freshDir("full-" + r);
            Path sync = writeSync("bench-full", "postgres", pgUrl, pgUser, "FERRY_BENCH_PG_PASSWORD", source, dst, false, state);
            FerryRun run = timedFerry(step, sync, "full load " + r + "/" + repeat);
            if (!run.succeeded()) return;
            expect(step, run, rows, 0, 0);
            long landed = queryLong("SELECT count(*) FROM " + dst);
            if (landed != rows) step.fail("destination holds " + landed + " rows, not " + rows);
            fullLoadState = state;
        }
    }

    // --- 3. unchanged re-run ----------------------------------------------------------------------------------------

    private void unchangedRerun(Step step, Step full) throws Exception {
        if (fullLoadState == null || full.outcome != BenchReport.Outcome.OK) {
            step.skip("needs a successful full load");
            return;
        }
        String dst = dstSchema + ".taskdetail";
        Path sync = fullLoadState.resolve("sync.yaml");
        long worstRewritten = 0;
        for (int r = 1; r <= repeat; r++) {
            long[] before = tupleStats(dstSchema, "taskdetail");
            FerryRun run = ferry.runFerry(sync, workDir, List.of());
            long[] after = tupleStats(dstSchema, "taskdetail");
            long updated = after[0] - before[0], inserted = after[1] - before[1];
            worstRewritten = Math.max(worstRewritten, updated + inserted);
            if (!record(step, run, "re-run " + r + "/" + repeat, Map.of("nTupUpdDelta", updated, "nTupInsDelta", inserted))) return;
            expect(step, run, 0, 0, rows);
            if (updated != 0 || inserted != 0) {
                step.fail("the re-run rewrote rows: n_tup_upd +" + updated + ", n_tup_ins +" + inserted);
            }
        }
        step.figures.put("rowsRewritten", worstRewritten);
        step.notes.add("n_tup_upd/ins delta " + worstRewritten);
    }

    /** n_tup_upd and n_tup_ins of a table, after the statistics of finished backends have been flushed. */
    private long[] tupleStats(String schema, String table) throws Exception {
        Thread.sleep(1100); // backends flush their counts at most once a second (PostgreSQL 15 shared-memory stats)
        exec("SELECT pg_stat_clear_snapshot()");
        try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT n_tup_upd, n_tup_ins FROM pg_stat_user_tables WHERE schemaname = '" + schema + "' AND relname = '" + table + "'")) {
            if (!rs.next()) throw new SyncException(schema + "." + table + " has no row in pg_stat_user_tables");
            return new long[]{rs.getLong(1), rs.getLong(2)};
        }
    }

    // --- 4. incremental --------------------------------------------------------------------------------------------

    private void incremental(Step step) throws Exception {
        String dst = dstSchema + ".taskdetail_incr";
        String saved = srcSchema + ".taskdetail_saved";
        long changed = rows / 10;
        List<Double> initialRuns = new ArrayList<>();
        for (int r = 1; r <= repeat; r++) {
            exec("DROP TABLE IF EXISTS " + dst);
            Path state = freshDir("incremental-" + r);
            Path sync = writeSync("bench-incremental", "postgres", pgUrl, pgUser, "FERRY_BENCH_PG_PASSWORD", source, dst, true, state);
            FerryRun initial = ferry.runFerry(sync, workDir, List.of());
            if (!initial.succeeded()) {
                step.fail("the initial full run failed: " + initial.failure());
                return;
            }
            initialRuns.add(initial.wallSeconds());
            // Change 10 % of the rows, spread over the key range; keep the originals to put back afterwards.
            markSource(source, "dirty");
            exec("DROP TABLE IF EXISTS " + saved);
            exec("CREATE TABLE " + saved + " AS SELECT " + KEY + ", status, editdate FROM " + source + " ORDER BY md5(" + KEY + ") LIMIT " + changed);
            try {
                exec("UPDATE " + source + " t SET status = 'U', editdate = (SELECT max(editdate) FROM " + source + ") + interval '1 day' FROM "
                        + saved + " s WHERE t." + KEY + " = s." + KEY);
                FerryRun run = timedFerry(step, sync, "incremental " + r + "/" + repeat);
                if (!run.succeeded()) return;
                expect(step, run, 0, changed, 0);
            } finally {
                exec("UPDATE " + source + " t SET status = s.status, editdate = s.editdate FROM " + saved + " s WHERE t." + KEY + " = s." + KEY);
                exec("DROP TABLE " + saved);
                vacuum(source);
                markSource(source, workloadMark(rows));
            }
        }
        step.figures.put("initialFullRunWallSeconds", initialRuns);
        step.notes.add(String.format(Locale.ROOT, "%,d rows changed; untimed first run %.2f s", changed,
                BenchReport.median(initialRuns).orElse(0.0)));
        exec("DROP TABLE IF EXISTS " + dst);
    }

    private boolean wants(Step step) {
        return only == null || only.isEmpty() || only.contains(step.id) || (step.id.equals("preview_run") && only.contains("preview"));
    }

    // --- 7. preview (dry run) against the run that follows, 1 % changed -------------------------------------------

    private void preview(Step step, Step runStep) throws Exception {
        String dst = dstSchema + ".taskdetail_preview";
        String saved = srcSchema + ".taskdetail_saved";
        long changed = rows / 100;
        exec("DROP TABLE IF EXISTS " + dst);
        Path state = freshDir("preview");
        Path sync = writeSync("bench-preview", "postgres", pgUrl, pgUser, "FERRY_BENCH_PG_PASSWORD", source, dst, false, state);
        FerryRun initial = ferry.runFerry(sync, workDir, List.of());
        if (!initial.succeeded()) {
            step.fail("the initial full run failed: " + initial.failure());
            return;
        }
        for (int r = 1; r <= repeat; r++) {
            markSource(source, "dirty");
            exec("DROP TABLE IF EXISTS " + saved);
            exec("CREATE TABLE " + saved + " AS SELECT " + KEY + ", status, editdate FROM " + source + " ORDER BY md5(" + KEY + " || '" + r
                    + "') LIMIT " + changed);
            try {
                exec("UPDATE " + source + " t SET status = 'P', editdate = t.editdate + interval '1 second' FROM " + saved + " s WHERE t." + KEY + " = s." + KEY);
                FerryRun p = ferry.runFerry(sync, workDir, List.of(), List.of("--dry-run"));
                if (!record(step, p, "preview " + r + "/" + repeat, Map.of())) return;
                expect(step, p, 0, changed, rows - changed);
                FerryRun run = ferry.runFerry(sync, workDir, List.of());
                if (!record(runStep, run, "run after preview " + r + "/" + repeat, Map.of())) return;
                expect(runStep, run, 0, changed, rows - changed);
                if (!run.counters().equals(Map.of()) && !p.counters().get("updated").equals(run.counters().get("updated"))) {
                    step.fail("the preview said " + p.counters() + ", the run " + run.counters());
                }
            } finally {
                exec("UPDATE " + source + " t SET status = s.status, editdate = s.editdate FROM " + saved + " s WHERE t." + KEY + " = s." + KEY);
                exec("DROP TABLE " + saved);
                vacuum(source);
                markSource(source, workloadMark(rows));
            }
            FerryRun back = ferry.runFerry(sync, workDir, List.of()); // the destination follows the restored source (untimed)
            if (!back.succeeded()) step.fail("restoring the destination failed: " + back.failure());
        }
        step.notes.add(String.format(Locale.ROOT, "%,d rows changed", changed));
        exec("DROP TABLE IF EXISTS " + dst);
    }

    // --- 8. bidirectional, 1 % changed on each side, 0.1 % on both ----------------------------------------------------

    private void bidirectional(Step step) throws Exception {
        String a = dstSchema + ".bidi_a", b = dstSchema + ".bidi_b";
        long changed = rows / 100, conflicting = rows / 1000;
        for (String t : List.of(a, b)) {
            exec("DROP TABLE IF EXISTS " + t);
            exec("CREATE TABLE " + t + " (LIKE " + source + " INCLUDING ALL)");
            exec("INSERT INTO " + t + " SELECT * FROM " + source);
            exec("CREATE INDEX ON " + t + " (editdate)");
            // each side keeps its own modification time (not synchronised): a row written by Ferry gets the default
            exec("ALTER TABLE " + t + " ALTER COLUMN editdate SET DEFAULT now()");
            exec("ANALYZE " + t);
        }
        Path state = freshDir("bidirectional");
        JsonMapper quote = JsonMapper.builder().build();
        String side = """
                  type: postgres
                  url: %s
                  user: %s
                  password: ${FERRY_BENCH_PG_PASSWORD:-}
                  table: %%s
                  key: [%s]
                  cursor: editdate
                """.formatted(quote.writeValueAsString(pgUrl), quote.writeValueAsString(pgUser), KEY);
        Path sync = state.resolve("sync.yaml");
        Files.writeString(sync, "# written by ferry bench\nname: bench-bidirectional\ndirection: bidirectional\na:\n" + side.formatted(a)
                + "b:\n" + side.formatted(b) + "conflicts: a_wins\nbatch:\n  size: " + batchSize + "\nstate: "
                + quote.writeValueAsString(bidiState != null ? bidiState : "jdbc:h2:file:" + state.resolve("state")) + "\n");
        if (bidiState != null) {
            // a store of its own outlives the bench: start from no base, as with a fresh H2 file
            try (var store = dev.ferry.store.JdbcStateStore.open(bidiState)) {
                store.bidi().ifPresent(bs -> bs.dropSync("bench-bidirectional"));
            }
        }
        String firstHeap = bidiHeap != null ? bidiHeap : heap;
        step.figures.put("stateStore", bidiState != null ? bidiState.replaceAll("password=[^&]*", "password=…") : "h2 file");
        step.figures.put("firstRunHeap", firstHeap);
        progress("bidirectional: first run (untimed, -Xmx" + firstHeap + "): records the base of " + rows + " records");
        FerryRun first = ferry.runFerry(sync, workDir, List.of("-Xmx" + firstHeap));
        if (!first.succeeded()) {
            step.fail("the first bidirectional run failed: " + first.failure());
            return;
        }
        step.figures.put("firstRunWallSeconds", BenchReport.round(first.wallSeconds(), 2));
        for (int r = 1; r <= repeat; r++) {
            // a: 1 % of the rows; b: another 1 %; both: 0.1 % of a's rows get a different status on b too (conflicts)
            String pickA = "SELECT " + KEY + " FROM " + a + " ORDER BY md5(" + KEY + " || 'a" + r + "') LIMIT " + changed;
            String pickB = "SELECT " + KEY + " FROM " + b + " ORDER BY md5(" + KEY + " || 'b" + r + "') LIMIT " + (changed - conflicting);
            exec("CREATE TEMP TABLE pick_a AS " + pickA);
            exec("CREATE TEMP TABLE pick_b AS SELECT " + KEY + " FROM (" + pickB + ") x WHERE " + KEY + " NOT IN (SELECT " + KEY + " FROM pick_a)");
            exec("INSERT INTO pick_b SELECT " + KEY + " FROM pick_a LIMIT " + conflicting);
            exec("UPDATE " + a + " t SET status = 'A" + r + "', editdate = now() FROM pick_a p WHERE t." + KEY + " = p." + KEY);
            exec("UPDATE " + b + " t SET status = 'B" + r + "', editdate = now() FROM pick_b p WHERE t." + KEY + " = p." + KEY);
            long onlyB = queryLong("SELECT count(*) FROM pick_b WHERE " + KEY + " NOT IN (SELECT " + KEY + " FROM pick_a)");
            exec("DROP TABLE pick_a");
            exec("DROP TABLE pick_b");
            FerryRun run = timedFerry(step, sync, "bidirectional " + r + "/" + repeat);
            if (!run.succeeded()) return;
            Map<String, Long> c = run.counters();
            if (c.getOrDefault("a_to_b", -1L) != changed || c.getOrDefault("b_to_a", -1L) != onlyB
                    || c.getOrDefault("conflicts", -1L) != conflicting) {
                step.fail("expected a_to_b " + changed + ", b_to_a " + onlyB + ", conflicts " + conflicting + "; Ferry said " + c);
            }
            long differ = queryLong("SELECT count(*) FROM " + a + " x JOIN " + b + " y USING (" + KEY + ") WHERE x.status IS DISTINCT FROM y.status");
            if (differ != 0) step.fail(differ + " records differ between the sides after the run");
        }
        step.notes.add(String.format(Locale.ROOT, "%,d + %,d changed, %,d conflicting; first run %.1f s", changed, changed - conflicting,
                conflicting, first.wallSeconds()));
        for (String t : List.of(a, b)) exec("DROP TABLE IF EXISTS " + t);
    }

    // --- 5. PostgreSQL → MariaDB -----------------------------------------------------------------------------------

    private void mariadb(Step step) throws Exception {
        String dst = dstSchema + ".taskdetail";
        try (Connection maria = DriverManager.getConnection(mariaUrl, mariaUser, mariaPassword); Statement s = maria.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + dstSchema);
            for (int r = 1; r <= repeat; r++) {
                s.execute("DROP TABLE IF EXISTS " + dst);
                Path sync = writeSync("bench-mariadb", "mariadb", mariaUrl, mariaUser, "FERRY_BENCH_MARIA_PASSWORD", source, dst, false,
                        freshDir("mariadb-" + r));
                FerryRun run = timedFerry(step, sync, "mariadb " + r + "/" + repeat);
                if (!run.succeeded()) return;
                expect(step, run, rows, 0, 0);
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + dst)) {
                    rs.next();
                    if (rs.getLong(1) != rows) step.fail("MariaDB holds " + rs.getLong(1) + " rows, not " + rows);
                }
            }
            s.execute("DROP TABLE IF EXISTS " + dst);
        } catch (SQLException e) {
            throw new SyncException("MariaDB at " + mariaUrl + ": " + e.getMessage() + " (use --skip-mariadb to leave it out)", e);
        }
    }

    // --- 6. the big table: peak heap stays flat ---------------------------------------------------------------------

    private long bigRowsWanted() {
        return big.rows != null ? big.rows : rows * big.factor;
    }

    private void bigLoad(Step step, Step full) throws Exception {
        long bigRows = fitBigRows(step, bigRowsWanted());
        step.figures.put("bigRows", bigRows);
        ensureWorkloadTable(bigSource, bigRows);
        String dst = dstSchema + ".taskdetail_big";
        exec("DROP TABLE IF EXISTS " + dst);
        Path sync = writeSync("bench-big", "postgres", pgUrl, pgUser, "FERRY_BENCH_PG_PASSWORD", bigSource, dst, false, freshDir("big"));
        Optional<Long> bigLive = Optional.empty();
        try {
            // timed as every step; the live set is measured by the collections -Dferry.liveHeap=true adds (a few tenths of a second)
            FerryRun run = ferry.runFerry(sync, workDir, List.of("-Dferry.liveHeap=true"));
            record(step, run, String.format(Locale.ROOT, "big full load (%,d rows, once)", bigRows), Map.of());
            if (!run.succeeded()) return;
            expect(step, run, bigRows, 0, 0);
            bigLive = run.liveHeapBytes();
        } finally {
            exec("DROP TABLE IF EXISTS " + dst); // the destination copy is the space hog; the source is kept for the next bench
            if (dropBig) exec("DROP TABLE IF EXISTS " + bigSource);
        }
        // the same measure at 1×: one more full load of the 1× table, untimed, with the same collections
        String smallDst = dstSchema + ".taskdetail_live";
        exec("DROP TABLE IF EXISTS " + smallDst);
        Optional<Long> smallLive = Optional.empty();
        try {
            FerryRun small = ferry.runFerry(writeSync("bench-live", "postgres", pgUrl, pgUser, "FERRY_BENCH_PG_PASSWORD",
                    source, smallDst, false, freshDir("live")), workDir, List.of("-Dferry.liveHeap=true"));
            if (small.succeeded()) smallLive = small.liveHeapBytes();
        } finally {
            exec("DROP TABLE IF EXISTS " + smallDst);
        }
        Optional<Long> smallPeak = full.medianPeakHeap();
        Optional<Long> bigPeak = step.medianPeakHeap();
        step.figures.put("peakHeapBytes1x", smallPeak.orElse(null));
        step.figures.put("liveHeapBytes1x", smallLive.orElse(null));
        step.figures.put("liveHeapBytes", bigLive.orElse(null));
        if (smallPeak.isPresent() && bigPeak.isPresent()) {
            double ratio = bigPeak.get() / (double) smallPeak.get();
            step.figures.put("peakHeapRatio", BenchReport.round(ratio, 3));
            step.notes.add(String.format(Locale.ROOT, "%,d rows; peak heap %s vs %s at 1× (×%.2f), -Xmx%s", bigRows,
                    BenchReport.mib(bigPeak.get()), BenchReport.mib(smallPeak.get()), ratio, heap));
        }
        if (smallLive.isPresent() && bigLive.isPresent()) {
            double ratio = bigLive.get() / (double) smallLive.get();
            step.figures.put("liveHeapRatio", BenchReport.round(ratio, 3));
            step.target = new Target("live heap within 10 % of 1×", Optional.of(ratio <= 1.10));
            step.notes.add(String.format(Locale.ROOT, "live heap (after full GCs at each tenth) %s vs %s at 1× (×%.2f)",
                    BenchReport.mib(bigLive.get()), BenchReport.mib(smallLive.get()), ratio));
        }
    }

    /** The largest row count that fits: the big source and its destination copy need about twice the 1× table's bytes per row. */
    private long fitBigRows(Step step, long wanted) throws Exception {
        long bytesPerRow = Math.max(1, queryLong("SELECT pg_total_relation_size('" + source + "')") / rows);
        long existing = tableExists(bigSource) && workloadMark(wanted).equals(comment(bigSource)) ? queryLong("SELECT pg_total_relation_size('" + bigSource + "')") : 0;
        Optional<Long> free = freeBytesOfDataDirectory();
        if (free.isEmpty()) {
            step.notes.add("free disk space of the server unknown: not checked");
            return wanted;
        }
        long perRowNeeded = (long) (bytesPerRow * 2 * 1.3); // source + destination, plus WAL and slack
        long needed = wanted * perRowNeeded - existing;
        step.figures.put("freeDiskBytes", free.get());
        if (needed <= free.get() * 0.8) return wanted;
        long fits = Math.max(rows, (long) (free.get() * 0.8 / perRowNeeded) / 10_000 * 10_000);
        step.notes.add(String.format(Locale.ROOT, "disk too small for %,d rows (%s free): used %,d", wanted, BenchReport.mib(free.get()), fits));
        return fits;
    }

    private Optional<Long> freeBytesOfDataDirectory() {
        try {
            Path dir = Path.of(queryString("SHOW data_directory"));
            String host = psql.host();
            if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) return Optional.empty();
            for (Path p = dir; p != null; p = p.getParent()) {
                try {
                    return Optional.of(Files.getFileStore(p).getUsableSpace());
                } catch (IOException | SecurityException unreadable) {
                    // not allowed to look at the data directory itself: its parent is on the same disk, usually
                }
            }
        } catch (SQLException noPrivilege) {
            // SHOW data_directory needs pg_read_all_settings
        }
        return Optional.empty();
    }

    // --- ratios and targets ------------------------------------------------------------------------------------------

    private void ratiosAndTargets(Step baseline, Step full, Step rerun, Step incremental, Step maria, Step bigStep) {
        Optional<Double> base = baseline.outcome == BenchReport.Outcome.OK ? baseline.medianWall() : Optional.empty();
        for (Step s : report.steps) {
            s.medianWall().ifPresent(w -> s.rowsPerSecond = s.rows / w);
            if (base.isPresent() && s.medianWall().isPresent()) s.ratio = s.medianWall().get() / base.get();
            s.medianRun().ifPresent(run -> s.notes.add(String.format(Locale.ROOT, "run %.2f s", run)));
            s.medianPeakHeap().filter(x -> s != bigStep).ifPresent(h -> s.notes.add("peak heap " + BenchReport.mib(h)));
            s.repetitions.stream().map(r -> r.extra().get("lanes")).filter(l -> l instanceof Long n && n > 1).findFirst()
                    .ifPresent(l -> s.notes.add(l + " lanes"));
        }
        baseline.ratio = base.map(b -> 1.0).orElse(null);
        full.target = ratioTarget(full, "≤ 1.15× baseline", 1.15, true);
        rerun.target = ratioTarget(rerun, "≤ 0.5×, 0 rows rewritten", 0.5,
                Long.valueOf(0).equals(rerun.figures.get("rowsRewritten")));
        incremental.target = ratioTarget(incremental, "≤ 0.25× baseline", 0.25, true);
        // Throughput of the run itself (the engine's seconds), not of the JVM start; the wall figure is in the table too.
        Optional<Double> mariaRate = maria.outcome == BenchReport.Outcome.OK ? maria.medianRun().map(s -> maria.rows / s) : Optional.empty();
        mariaRate.ifPresent(rate -> {
            maria.figures.put("runRowsPerSecond", Math.round(rate));
            maria.notes.add(String.format(Locale.ROOT, "%,d rows/s in the run", Math.round(rate)));
        });
        maria.target = new Target("≥ 60,000 rows/s", mariaRate.map(rate -> rate >= 60_000));
        if (bigStep.target == null) bigStep.target = new Target("live heap within 10 % of 1×", Optional.empty());
    }

    private static Target ratioTarget(Step s, String text, double limit, boolean alsoRequired) {
        if (s.outcome != BenchReport.Outcome.OK || s.ratio == null) return new Target(text, Optional.empty());
        return new Target(text, Optional.of(s.ratio <= limit && alsoRequired));
    }

    // --- Ferry runs --------------------------------------------------------------------------------------------------

    private FerryRun timedFerry(Step step, Path sync, String label) throws Exception {
        FerryRun run = ferry.runFerry(sync, workDir, List.of());
        record(step, run, label, Map.of());
        return run;
    }

    /** Adds a repetition when the run succeeded; otherwise fails the step (a failed run is never timed). */
    private boolean record(Step step, FerryRun run, String label, Map<String, Object> extra) {
        if (!run.succeeded()) {
            step.fail(label + ": " + run.failure());
            return false;
        }
        Map<String, Object> withLanes = new java.util.LinkedHashMap<>(extra);
        withLanes.put("lanes", run.lanes());
        step.repetitions.add(new Repetition(run.wallSeconds(), run.runSeconds(), run.counters(), run.peakHeapBytes(), withLanes));
        progress(String.format(Locale.ROOT, "%s: %.2f s wall, %s s run, %s", label, run.wallSeconds(),
                run.runSeconds().map(String::valueOf).orElse("?"), run.counters()));
        return true;
    }

    private static void expect(Step step, FerryRun run, long inserted, long updated, long unchanged) {
        Map<String, Long> c = run.counters();
        if (c.getOrDefault("inserted", -1L) != inserted || c.getOrDefault("updated", -1L) != updated
                || c.getOrDefault("unchanged", -1L) != unchanged || c.getOrDefault("failed", 0L) != 0) {
            step.fail("expected " + inserted + " inserted, " + updated + " updated, " + unchanged + " unchanged; Ferry said " + c);
        }
    }

    private Path writeSync(String name, String destinationType, String destinationUrl, String destinationUser, String passwordEnv,
                           String sourceTable, String destinationTable, boolean cursor, Path stateDir) throws IOException {
        JsonMapper quote = JsonMapper.builder().build(); // a JSON string is a valid YAML scalar
        String yaml = """
                # written by ferry bench
                name: %s
                source:
                  type: postgres
                  url: %s
                  user: %s
                  password: ${FERRY_BENCH_PG_PASSWORD:-}
                  table: %s
                  key: [%s]
                %s
                destination:
                  type: %s
                  url: %s
                  user: %s
                  password: ${%s:-}
                  table: %s
                  mode: upsert
                batch:
                  size: %d
                state: %s
                """.formatted(name, quote.writeValueAsString(pgUrl), quote.writeValueAsString(pgUser), sourceTable, KEY,
                cursor ? "  cursor: editdate" : "", destinationType, quote.writeValueAsString(destinationUrl),
                quote.writeValueAsString(destinationUser), passwordEnv, destinationTable, batchSize,
                quote.writeValueAsString("jdbc:h2:file:" + stateDir.resolve("state")));
        Path f = stateDir.resolve("sync.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /**
     * A directory for one run's sync file and a state store that has never seen the sync (no checkpoint, no cursor):
     * the store's tables are made here, untimed, as a user's store has them after its first use. A brand-new store
     * costs its first run one more ~0.3 s (Flyway creating five migrations' tables), once per store, not per load.
     */
    private Path freshDir(String name) throws IOException {
        Path dir = workDir.resolve(name);
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
        dev.ferry.store.JdbcStateStore.open("jdbc:h2:file:" + dir.resolve("state")).close();
        return dir;
    }

    private Path ferryJar() throws URISyntaxException {
        if (ferryJarOption != null) return ferryJarOption.toAbsolutePath();
        Path here = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(here)) return here;
        Path built = here.resolveSibling("ferry.jar"); // running from target/classes (an IDE): the packaged jar next to it
        if (Files.isRegularFile(built)) return built;
        throw new SyncException("cannot find the packaged ferry.jar to run; build it (mvn package -pl ferry-cli -am) or give --ferry-jar");
    }

    // --- the workload ------------------------------------------------------------------------------------------------

    private void loadWorkloadSql() throws IOException, URISyntaxException {
        Optional<Path> file = Optional.ofNullable(sqlFile);
        if (file.isEmpty()) file = findSharedSql();
        if (file.isPresent()) {
            if (!Files.isRegularFile(file.get())) throw new SyncException("--sql: " + file.get() + " is not a file");
            workloadSql = Files.readString(file.get());
            workloadOrigin = file.get().toAbsolutePath().normalize().toString();
            return;
        }
        try (InputStream in = BenchCommand.class.getResourceAsStream(BUNDLED_SQL)) {
            if (in == null) throw new SyncException("the bundled workload " + BUNDLED_SQL + " is missing from the jar");
            workloadSql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            workloadOrigin = "bundled copy of " + SHARED_SQL;
        }
    }

    /** shared/bench/taskdetail.sql in the current directory, the jar's directory, or any folder above them. */
    private Optional<Path> findSharedSql() throws URISyntaxException {
        List<Path> starts = List.of(Path.of("").toAbsolutePath(),
                Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath());
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                Path candidate = d.resolve(SHARED_SQL);
                if (Files.isRegularFile(candidate)) return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Creates the workload table unless it is already there with this row count and this SQL (its comment says so).
     * The SQL writes bench_src.taskdetail; the names are rewritten to the table wanted.
     */
    private void ensureWorkloadTable(String table, long count) throws Exception {
        String mark = workloadMark(count);
        if (tableExists(table) && mark.equals(comment(table))) {
            progress(String.format(Locale.ROOT, "%s: reusing %,d rows", table, count));
            compactIfBloated(table, count);
            return;
        }
        progress(String.format(Locale.ROOT, "%s: creating %,d rows from %s …", table, count, workloadOrigin));
        long t0 = System.nanoTime();
        String sql = workloadSql.replaceAll("\\b" + WORKLOAD_SCHEMA + "\\.taskdetail\\b", table)
                .replaceAll("\\b" + WORKLOAD_SCHEMA + "\\b", srcSchema);
        BenchProcesses.psqlScript(psql, sql, Map.of("rows", String.valueOf(count)), workDir);
        if (!tableExists(table)) throw new SyncException("the workload SQL (" + workloadOrigin + ") did not create " + WORKLOAD_SCHEMA + ".taskdetail");
        long made = queryLong("SELECT count(*) FROM " + table);
        if (made != count) throw new SyncException("the workload SQL made " + made + " rows in " + table + ", not " + count);
        markSource(table, mark);
        progress(String.format(Locale.ROOT, "%s: created in %.1f s", table, (System.nanoTime() - t0) / 1e9));
    }

    /**
     * The incremental and preview steps change rows and put them back: dead row versions that, with autovacuum off
     * (as on this machine's server), pile up bench after bench and slow every read of the source, the pipe's too
     * (seen: 2.4M dead rows, 697 MB instead of 250 MB). A table with more dead rows than a tenth of its rows is
     * rewritten before anything is timed.
     */
    private void compactIfBloated(String table, long count) throws SQLException {
        String[] name = table.split("\\.", 2);
        long dead = queryLong("SELECT coalesce(max(n_dead_tup), 0) FROM pg_stat_user_tables WHERE schemaname = '" + name[0]
                + "' AND relname = '" + name[1] + "'");
        if (dead <= count / 10) return;
        progress(String.format(Locale.ROOT, "%s: %,d dead row versions from earlier steps; VACUUM FULL (untimed) …", table, dead));
        exec("VACUUM (FULL, ANALYZE) " + table);
    }

    /** After a step put its changed rows back: their old versions are freed for the next step's updates (untimed). */
    private void vacuum(String table) throws SQLException {
        exec("VACUUM (ANALYZE) " + table);
    }

    private String workloadMark(long count) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(workloadSql.getBytes(StandardCharsets.UTF_8));
            return "ferry bench: rows=" + count + " sql=" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The table's comment records what it holds; "dirty" while the incremental step has it changed. */
    private void markSource(String table, String mark) throws SQLException {
        exec("COMMENT ON TABLE " + table + " IS '" + mark.replace("'", "''") + "'");
    }

    private String comment(String table) throws SQLException {
        return queryString("SELECT coalesce(obj_description('" + table + "'::regclass, 'pg_class'), '')");
    }

    private boolean tableExists(String table) throws SQLException {
        return !queryString("SELECT coalesce(to_regclass('" + table + "')::text, '')").isEmpty();
    }

    // --- JDBC helpers ------------------------------------------------------------------------------------------------

    private void exec(String sql) throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute(sql);
        }
    }

    private long queryLong(String sql) throws SQLException {
        try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String queryString(String sql) throws SQLException {
        try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static double loadAverage() {
        return BenchReport.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2);
    }

    private static void progress(String line) {
        System.err.println("[bench] " + line);
    }
}
