package dev.ferry.spi;

import java.util.List;
import java.util.Set;

/** Creates destinations of some types; found through {@link java.util.ServiceLoader}. */
public interface DestinationFactory {

    Set<String> types();

    void validate(ConnectorConfig config, List<String> problems);

    Destination open(ConnectorConfig config);
}
