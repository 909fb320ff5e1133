package dev.ferry.connectors.http;

import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code http} source: a paginated JSON API read over java.net.http. See docs/connectors.md
 * ("HTTP JSON APIs") for every option.
 */
public final class HttpSourceFactory implements SourceFactory {
    private final Clock clock;
    private final RateLimiter.Sleeper sleeper;

    public HttpSourceFactory() {
        this(Clock.systemUTC(), RateLimiter.Sleeper.REAL);
    }

    HttpSourceFactory(Clock clock, RateLimiter.Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public Set<String> types() {
        return Set.of("http");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        HttpSettings.parse(config, problems);
    }

    @Override
    public Source open(ConnectorConfig config) {
        List<String> problems = new ArrayList<>();
        HttpSettings settings = HttpSettings.parse(config, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        HttpApi api = new HttpApi(settings, HttpApi.newClient(settings.timeout()), clock,
                new RateLimiter(settings.requestsPerSecond(), clock, sleeper));
        return new HttpSource(settings, api, clock);
    }
}
