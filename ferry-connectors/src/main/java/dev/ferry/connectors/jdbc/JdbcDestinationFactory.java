package dev.ferry.connectors.jdbc;

import dev.ferry.quality.dedup.DedupSettings;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Writes into a table over JDBC: PostgreSQL (COPY into a stage + merge), MariaDB/MySQL and H2 (compare, then
 * batched upserts). Keys: url, user, password, table, mode (the engine passes it), createSchema (default true).
 */
public final class JdbcDestinationFactory implements DestinationFactory {

    @Override
    public Set<String> types() {
        return Set.of("postgres", "mariadb", "mysql", "h2");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        Jdbc.validateUrl(config, problems);
        Jdbc.unknownKeys(config, Jdbc.DESTINATION_KEYS, problems);
        String table = config.require("table", problems, "the table to write, e.g. public.orders (created if missing)");
        if (!table.isEmpty()) {
            Jdbc.validateTable(config, table, problems);
        }
        // destination.mode is the engine's key: the sync file loader checks it, once
        config.string("createSchema").map(s -> s.toLowerCase(Locale.ROOT).trim())
                .filter(s -> !s.equals("true") && !s.equals("false"))
                .ifPresent(s -> problems.add(config.key("createSchema") + ": '" + s + "' is not true or false"));
        // the sync file's top-level dedup: section travels in the destination's block (see SyncFileLoader)
        DedupSettings.parse(config.values().get("dedup"), "dedup", problems);
    }

    @Override
    public Destination open(ConnectorConfig config) {
        List<String> problems = new ArrayList<>();
        validate(config, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        String url = config.string("url").orElseThrow();
        Jdbc.Settings settings = new Jdbc.Settings(config.path(), url, config.string("user").orElse(null),
                config.string("password").orElse(null), Dialect.fromUrl(url));
        boolean createSchema = config.string("createSchema").map(s -> Boolean.parseBoolean(s.trim())).orElse(true);
        Optional<DedupSettings> dedup = DedupSettings.parse(config.values().get("dedup"), "dedup", problems);
        return new JdbcDestination(settings, config.string("table").orElseThrow(), createSchema, dedup);
    }
}
