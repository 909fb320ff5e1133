package dev.ferry.testkit;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceFactory;
import dev.ferry.spi.SyncException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves {@code type: fake} sources a test handed in: {@code new Connectors().add(new FakeSourceFactory(source))}
 * serves that source for any config; {@link #register} adds more, picked by the config's {@code name:}.
 */
public final class FakeSourceFactory implements SourceFactory {
    public static final String DEFAULT = "default";
    private final Map<String, FakeSource> sources = new ConcurrentHashMap<>();

    public FakeSourceFactory() {
    }

    public FakeSourceFactory(FakeSource source) {
        register(DEFAULT, source);
    }

    public FakeSourceFactory register(String name, FakeSource source) {
        sources.put(name, source);
        return this;
    }

    @Override
    public Set<String> types() {
        return Set.of("fake");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        String name = config.string("name").orElse(DEFAULT);
        if (!sources.containsKey(name)) {
            problems.add(config.key("name") + ": no fake source named '" + name + "'; registered: " + sources.keySet());
        }
    }

    @Override
    public Source open(ConnectorConfig config) {
        String name = config.string("name").orElse(DEFAULT);
        FakeSource s = sources.get(name);
        if (s == null) throw new SyncException("no fake source named '" + name + "'; registered: " + sources.keySet());
        return s;
    }
}
