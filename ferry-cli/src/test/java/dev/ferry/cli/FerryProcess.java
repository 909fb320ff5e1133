package dev.ferry.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged ferry CLI (target/ferry.jar) as a separate process, as a user would. */
final class FerryProcess {
    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private FerryProcess() {
    }

    static Path jar() {
        Path jar = Path.of("target/ferry.jar").toAbsolutePath();
        if (!Files.exists(jar)) throw new IllegalStateException(jar + " is missing: run the ITs through mvn verify (after package)");
        return jar;
    }

    private static ProcessBuilder builder(Path workDir, Map<String, String> env, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().putAll(env);
        pb.environment().put("CI", "true");
        return pb;
    }

    /** Starts ferry in the background; its output goes to files in {@code workDir}. */
    static Process start(Path workDir, Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = builder(workDir, env, args);
        pb.redirectOutput(Files.createTempFile(workDir, "out", ".txt").toFile());
        pb.redirectError(Files.createTempFile(workDir, "err", ".txt").toFile());
        return pb.start();
    }

    static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = builder(workDir, env, args);
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("ferry " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), args);
    }
}
