package dev.ferry.spi;

import java.util.List;

/** The user's configuration is wrong: every problem, each with its key path and what to do. */
public class ConfigException extends SyncException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
