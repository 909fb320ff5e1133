package dev.ferry.testkit;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationFactory;

import java.util.List;
import java.util.Set;

/**
 * Serves {@code type: fake} destinations a test handed in: {@code new Connectors().add(new FakeDestinationFactory(dest))}
 * serves that destination for any config; {@link #register} adds more, picked by the config's {@code name:}.
 */
public final class FakeDestinationFactory implements DestinationFactory {
    public static final String DEFAULT = NamedFakes.DEFAULT;
    private final NamedFakes<FakeDestination> destinations = new NamedFakes<>("destination");

    public FakeDestinationFactory() {
    }

    public FakeDestinationFactory(FakeDestination destination) {
        register(DEFAULT, destination);
    }

    public FakeDestinationFactory register(String name, FakeDestination destination) {
        destinations.register(name, destination);
        return this;
    }

    @Override
    public Set<String> types() {
        return Set.of("fake");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        destinations.validate(config, problems);
    }

    @Override
    public Destination open(ConnectorConfig config) {
        return destinations.get(config);
    }
}
