package dev.ferry.testkit;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceFactory;

import java.util.List;
import java.util.Set;

/**
 * Serves {@code type: fake} sources a test handed in: {@code new Connectors().add(new FakeSourceFactory(source))}
 * serves that source for any config; {@link #register} adds more, picked by the config's {@code name:}.
 */
public final class FakeSourceFactory implements SourceFactory {
    public static final String DEFAULT = NamedFakes.DEFAULT;
    private final NamedFakes<FakeSource> sources = new NamedFakes<>("source");

    public FakeSourceFactory() {
    }

    public FakeSourceFactory(FakeSource source) {
        register(DEFAULT, source);
    }

    public FakeSourceFactory register(String name, FakeSource source) {
        sources.register(name, source);
        return this;
    }

    @Override
    public Set<String> types() {
        return Set.of("fake");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        sources.validate(config, problems);
    }

    @Override
    public Source open(ConnectorConfig config) {
        return sources.get(config);
    }
}
