package dev.ferry.connectors.mongodb;

import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes documents into a MongoDB collection (type {@code mongodb}). Keys: url, database, table (the collection;
 * {@code collection} is accepted as an alias when table is absent), mode (the engine's key).
 */
public final class MongoDestinationFactory implements DestinationFactory {

    @Override
    public Set<String> types() {
        return Set.of("mongodb");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        MongoSettings.validate(config, problems);
    }

    @Override
    public Destination open(ConnectorConfig config) {
        List<String> problems = new ArrayList<>();
        validate(config, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return new MongoDestination(MongoSettings.from(config));
    }
}
