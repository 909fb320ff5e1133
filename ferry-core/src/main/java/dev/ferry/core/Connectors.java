package dev.ferry.core;

import dev.ferry.spi.ConfigException;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.spi.SourceFactory;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The connectors on the class path, by their `type:` names. */
public final class Connectors {
    private final Map<String, SourceFactory> sources = new TreeMap<>();
    private final Map<String, DestinationFactory> destinations = new TreeMap<>();

    public static Connectors load() {
        Connectors c = new Connectors();
        ServiceLoader.load(SourceFactory.class).forEach(c::add);
        ServiceLoader.load(DestinationFactory.class).forEach(c::add);
        return c;
    }

    public Connectors add(SourceFactory f) {
        f.types().forEach(t -> sources.put(t, f));
        return this;
    }

    public Connectors add(DestinationFactory f) {
        f.types().forEach(t -> destinations.put(t, f));
        return this;
    }

    public Optional<SourceFactory> source(String type) {
        return Optional.ofNullable(sources.get(type));
    }

    public Optional<DestinationFactory> destination(String type) {
        return Optional.ofNullable(destinations.get(type));
    }

    public SourceFactory requireSource(String type) {
        return source(type).orElseThrow(() -> new ConfigException(
                "source.type: unknown type '" + type + "'; use one of " + sources.keySet()));
    }

    public DestinationFactory requireDestination(String type) {
        return destination(type).orElseThrow(() -> new ConfigException(
                "destination.type: unknown type '" + type + "'; use one of " + destinations.keySet()));
    }

    public java.util.Set<String> sourceTypes() {
        return sources.keySet();
    }

    public java.util.Set<String> destinationTypes() {
        return destinations.keySet();
    }
}
