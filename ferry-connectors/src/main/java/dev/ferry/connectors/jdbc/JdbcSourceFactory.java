package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a table or query over JDBC (PostgreSQL, MariaDB/MySQL, H2) with keyset pagination.
 * Keys: url, user, password, table | query, key, cursor, fetchSize.
 */
public final class JdbcSourceFactory implements SourceFactory {

    @Override
    public Set<String> types() {
        return Set.of("postgres", "mariadb", "mysql", "h2");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        Jdbc.validateUrl(config, problems);
        Jdbc.unknownKeys(config, Jdbc.SOURCE_KEYS, problems);
        Optional<String> table = config.string("table").filter(s -> !s.isBlank());
        Optional<String> query = config.string("query").filter(s -> !s.isBlank());
        if (table.isEmpty() && query.isEmpty()) {
            problems.add(config.key("table") + ": required (or " + config.key("query") + "); name the table to read, e.g. public.orders");
        } else if (table.isPresent() && query.isPresent()) {
            problems.add(config.key("query") + ": give either " + config.key("table") + " or " + config.key("query") + ", not both");
        } else if (table.isPresent()) {
            Jdbc.validateTable(config, table.get(), problems);
        }
        List<String> key = config.strings("key");
        if (key.isEmpty()) {
            problems.add(config.key("key") + ": required; the column(s) that identify a row, e.g. [id]");
        }
        for (String k : key) {
            if (!Dialect.isIdentifier(k)) problems.add(config.key("key") + ": '" + k + "' is not a plain column name; use letters, digits, _ and $");
        }
        config.string("cursor").filter(c -> !Dialect.isIdentifier(c)).ifPresent(c ->
                problems.add(config.key("cursor") + ": '" + c + "' is not a plain column name; use letters, digits, _ and $"));
        config.string("fetchSize").ifPresent(f -> {
            try {
                if (Integer.parseInt(f.trim()) <= 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                problems.add(config.key("fetchSize") + ": '" + f + "' is not a positive whole number; e.g. 10000");
            }
        });
    }

    @Override
    public Source open(ConnectorConfig config) {
        List<String> problems = new ArrayList<>();
        validate(config, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        String url = config.string("url").orElseThrow();
        Jdbc.Settings settings = new Jdbc.Settings(config.path(), url, config.string("user").orElse(null),
                config.string("password").orElse(null), Dialect.fromUrl(url));
        return new JdbcSource(settings, config.string("table").filter(s -> !s.isBlank()),
                config.string("query").filter(s -> !s.isBlank()),
                config.string("fetchSize").map(s -> Integer.parseInt(s.trim())).orElse(10_000));
    }
}
