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
 * The {@code async-query} source: SQL submitted to a data lake's query API as a job, polled until done, results
 * paged. Reuses the http source's client (auth, token refresh, rate limit, error classification) and JSON mapping.
 * See docs/connectors.md ("Async query jobs").
 */
public final class AsyncQuerySourceFactory implements SourceFactory {
    private final Clock clock;
    private final RateLimiter.Sleeper sleeper;

    public AsyncQuerySourceFactory() {
        this(Clock.systemUTC(), RateLimiter.Sleeper.REAL);
    }

    AsyncQuerySourceFactory(Clock clock, RateLimiter.Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public Set<String> types() {
        return Set.of("async-query");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        AsyncQuerySettings.parse(config, problems);
    }

    @Override
    public Source open(ConnectorConfig config) {
        List<String> problems = new ArrayList<>();
        AsyncQuerySettings settings = AsyncQuerySettings.parse(config, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        HttpApi api = new HttpApi(settings, HttpApi.newClient(settings.timeout()), clock,
                new RateLimiter(settings.requestsPerSecond(), clock, sleeper));
        return new AsyncQuerySource(settings, api, clock, sleeper);
    }
}
