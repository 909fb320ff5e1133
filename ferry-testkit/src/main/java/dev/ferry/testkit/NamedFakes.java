package dev.ferry.testkit;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.SyncException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The fakes a test handed to a fake factory, picked by the config's {@code name:} (default "default"). */
final class NamedFakes<T> {
    static final String DEFAULT = "default";
    private final String kind;
    private final Map<String, T> fakes = new ConcurrentHashMap<>();

    NamedFakes(String kind) {
        this.kind = kind;
    }

    void register(String name, T fake) {
        fakes.put(name, fake);
    }

    void validate(ConnectorConfig config, List<String> problems) {
        String name = config.string("name").orElse(DEFAULT);
        if (!fakes.containsKey(name)) {
            problems.add(config.key("name") + ": no fake " + kind + " named '" + name + "'; registered: " + fakes.keySet());
        }
    }

    T get(ConnectorConfig config) {
        String name = config.string("name").orElse(DEFAULT);
        T fake = fakes.get(name);
        if (fake == null) throw new SyncException("no fake " + kind + " named '" + name + "'; registered: " + fakes.keySet());
        return fake;
    }
}
