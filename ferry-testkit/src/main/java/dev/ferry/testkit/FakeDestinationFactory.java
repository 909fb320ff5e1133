package dev.ferry.testkit;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.spi.SyncException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves {@code type: fake} destinations a test handed in: {@code new Connectors().add(new FakeDestinationFactory(dest))}
 * serves that destination for any config; {@link #register} adds more, picked by the config's {@code name:}.
 */
public final class FakeDestinationFactory implements DestinationFactory {
    public static final String DEFAULT = "default";
    private final Map<String, FakeDestination> destinations = new ConcurrentHashMap<>();

    public FakeDestinationFactory() {
    }

    public FakeDestinationFactory(FakeDestination destination) {
        register(DEFAULT, destination);
    }

    public FakeDestinationFactory register(String name, FakeDestination destination) {
        destinations.put(name, destination);
        return this;
    }

    @Override
    public Set<String> types() {
        return Set.of("fake");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        String name = config.string("name").orElse(DEFAULT);
        if (!destinations.containsKey(name)) {
            problems.add(config.key("name") + ": no fake destination named '" + name + "'; registered: " + destinations.keySet());
        }
    }

    @Override
    public Destination open(ConnectorConfig config) {
        String name = config.string("name").orElse(DEFAULT);
        FakeDestination d = destinations.get(name);
        if (d == null) throw new SyncException("no fake destination named '" + name + "'; registered: " + destinations.keySet());
        return d;
    }
}
