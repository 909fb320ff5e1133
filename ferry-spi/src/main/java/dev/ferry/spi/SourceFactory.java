package dev.ferry.spi;

import java.util.List;
import java.util.Set;

/** Creates sources of some types; found through {@link java.util.ServiceLoader}. */
public interface SourceFactory {

    /** The `type:` values this factory serves, e.g. "postgres". */
    Set<String> types();

    /** Add every problem with {@code config} to {@code problems} (key path + what to do); connect nothing. */
    void validate(ConnectorConfig config, List<String> problems);

    /** Connect. Throws {@link SyncException} with a one-line message naming the connection and likely fix. */
    Source open(ConnectorConfig config);
}
