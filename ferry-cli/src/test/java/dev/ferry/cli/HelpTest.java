package dev.ferry.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error says "see: ferry COMMAND --help", so every command and subcommand must answer --help with its usage. */
class HelpTest {
    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        CommandLine root = new CommandLine(new FerryCli());
        List<List<String>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(8);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            PrintStream was = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                exit = FerryCli.execute(args.toArray(String[]::new));
            } finally {
                System.setOut(was);
            }
            assertThat(exit).as("ferry %s --help", String.join(" ", path)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).as("ferry %s --help", String.join(" ", path))
                    .contains("Usage: ferry" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
        }
    }

    static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandName().equals(name)) return; // an alias
            List<String> p = new ArrayList<>(path);
            p.add(name);
            collect(sub, p, out);
        });
    }
}
