package dev.ferry.cli;

import dev.ferry.spi.SyncException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The processes {@code ferry bench} starts and times: psql (the baseline, the workload SQL) and the packaged Ferry CLI. */
final class BenchProcesses {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long TIMEOUT_MINUTES = 120;

    /** psql's connection settings, derived from the JDBC URL so the baseline talks to the same server as Ferry. */
    record Psql(String host, int port, String database, String user, String password) {
        static Psql fromJdbc(String jdbcUrl, String user, String password) {
            if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
                throw new SyncException("--pg-url: '" + jdbcUrl + "' is not a jdbc:postgresql://host[:port]/database URL");
            }
            URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
            String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
            return new Psql(uri.getHost() == null ? "127.0.0.1" : uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, user, password);
        }

        ProcessBuilder command(String... args) {
            List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p",
                    String.valueOf(port), "-U", user, "-d", database));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (password != null && !password.isEmpty()) pb.environment().put("PGPASSWORD", password);
            return pb;
        }
    }

    /** Outcome of one Ferry subprocess: exit code, wall clock including JVM start, and the run's JSON when it printed one. */
    record FerryRun(int exit, double wallSeconds, Optional<JsonNode> run, String stderr) {
        String status() {
            return run.map(r -> r.path("status").asString("")).orElse("");
        }

        boolean succeeded() {
            return exit == 0 && ("succeeded".equals(status()) || run.map(r -> r.path("dryRun").asBoolean(false)).orElse(false));
        }

        Map<String, Long> counters() {
            Map<String, Long> m = new LinkedHashMap<>();
            run.ifPresent(r -> r.path("counters").properties().forEach(e -> {
                if (e.getValue().isNumber()) m.put(e.getKey(), e.getValue().asLong());
            }));
            return m;
        }

        Optional<Double> runSeconds() {
            return run.map(r -> r.path("stats").path("seconds")).filter(JsonNode::isNumber).map(JsonNode::asDouble);
        }

        /** Key ranges the run read and wrote side by side (1 when it read one stream). */
        long lanes() {
            return run.map(r -> r.path("stats").path("lanes")).filter(JsonNode::isNumber).map(JsonNode::asLong).orElse(1L);
        }

        /** The most heap in use after a full collection (runs with -Dferry.liveHeap=true). */
        Optional<Long> liveHeapBytes() {
            return run.map(r -> r.path("stats").path("liveHeapBytes")).filter(JsonNode::isNumber).map(JsonNode::asLong);
        }

        Optional<Long> peakHeapBytes() {
            return run.map(r -> r.path("stats").path("peakHeapBytes")).filter(JsonNode::isNumber).map(JsonNode::asLong);
        }

        /** Why this run does not count as a success, in a line. */
        String failure() {
            String err = run.map(r -> r.path("error").asString("")).filter(s -> !s.isBlank())
                    .orElse(stderr.isBlank() ? "" : stderr.strip().lines().reduce((a, b) -> b).orElse(""));
            return "ferry exited " + exit + (status().isEmpty() ? "" : " with status " + status()) + (err.isBlank() ? "" : ": " + err);
        }
    }

    private final Path javaExecutable;
    private final Path ferryJar;
    private final List<String> jvmOptions;
    private final Map<String, String> env;

    BenchProcesses(Path javaExecutable, Path ferryJar, List<String> jvmOptions, Map<String, String> env) {
        this.javaExecutable = javaExecutable;
        this.ferryJar = ferryJar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.env = Map.copyOf(env);
    }

    /** Runs {@code java [options] -jar ferry.jar run FILE --json --no-progress} and times it from start to exit. */
    FerryRun runFerry(Path syncFile, Path workDir, List<String> extraJvmOptions) throws IOException, InterruptedException {
        return runFerry(syncFile, workDir, extraJvmOptions, List.of());
    }

    /** The same, with more arguments for {@code ferry run} (e.g. --dry-run). */
    FerryRun runFerry(Path syncFile, Path workDir, List<String> extraJvmOptions, List<String> extraArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable.toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(extraJvmOptions);
        cmd.addAll(List.of("-jar", ferryJar.toString(), "run", syncFile.toString(), "--json", "--no-progress"));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().putAll(env);
        pb.environment().put("CI", "true"); // no progress bar, no terminal probing
        Path out = Files.createTempFile(workDir, "ferry-out", ".json");
        Path err = Files.createTempFile(workDir, "ferry-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new SyncException("ferry run " + syncFile + " did not finish in " + TIMEOUT_MINUTES + " minutes");
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        Optional<JsonNode> run = Optional.empty();
        int start = stdout.indexOf('{');
        if (start >= 0) {
            try {
                run = Optional.of(JSON.readTree(stdout.substring(start)));
            } catch (RuntimeException notJson) {
                // a failure before the run began prints a message, not JSON: reported through stderr
            }
        }
        return new FerryRun(p.exitValue(), wall, run, stderr);
    }

    /** The baseline: {@code psql -c "COPY src TO STDOUT" | psql -c "COPY dst FROM STDIN"}, wall clock of the whole pipe. */
    static double psqlCopyPipe(Psql psql, String sourceTable, String targetTable, Path workDir) throws IOException, InterruptedException {
        ProcessBuilder out = psql.command("-c", "COPY " + sourceTable + " TO STDOUT");
        ProcessBuilder in = psql.command("-c", "COPY " + targetTable + " FROM STDIN");
        Path err1 = Files.createTempFile(workDir, "psql-out-err", ".txt");
        Path err2 = Files.createTempFile(workDir, "psql-in-err", ".txt");
        out.redirectError(err1.toFile());
        in.redirectError(err2.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        List<Process> pipe = ProcessBuilder.startPipeline(List.of(out, in)); // stdout of the first feeds the second, no shell
        for (Process p : pipe) {
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                pipe.forEach(Process::destroyForcibly);
                throw new SyncException("the psql COPY pipe did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        String errors = (Files.readString(err1) + Files.readString(err2)).strip();
        Files.deleteIfExists(err1);
        Files.deleteIfExists(err2);
        if (pipe.get(0).exitValue() != 0 || pipe.get(1).exitValue() != 0) {
            throw new SyncException("the psql COPY pipe failed (exit " + pipe.get(0).exitValue() + " | " + pipe.get(1).exitValue() + "): " + errors);
        }
        return wall;
    }

    /** Runs SQL text through psql (the workload file uses psql variables and \if), with -v name=value pairs. */
    static void psqlScript(Psql psql, String sql, Map<String, String> variables, Path workDir) throws IOException, InterruptedException {
        Path script = Files.createTempFile(workDir, "workload", ".sql");
        Files.writeString(script, sql);
        List<String> args = new ArrayList<>();
        variables.forEach((k, v) -> args.addAll(List.of("-v", k + "=" + v)));
        args.addAll(List.of("-f", script.toString()));
        ProcessBuilder pb = psql.command(args.toArray(String[]::new)).redirectErrorStream(true);
        Path log = Files.createTempFile(workDir, "psql", ".log");
        pb.redirectOutput(log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SyncException("cannot start psql (" + e.getMessage() + "); ferry bench needs the PostgreSQL client on the PATH", e);
        }
        boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        String output = Files.readString(log).strip();
        Files.deleteIfExists(log);
        Files.deleteIfExists(script);
        if (!done || p.exitValue() != 0) {
            if (!done) p.destroyForcibly();
            throw new SyncException("psql failed creating the workload: " + output);
        }
    }
}
