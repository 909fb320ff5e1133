package dev.ferry.server;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * The server's settings ({@code ferry.*}; the environment's FERRY_STATE, FERRY_ADMIN_TOKEN, FERRY_SECRET_KEY,
 * FERRY_ALLOW_PRIVATE_HOSTS bind here by Spring's relaxed names).
 *
 * @param state                 run state and server tables: an H2 file by default, PostgreSQL for a cluster
 * @param adminToken            the admin's bearer token (creates tenants); none = no admin access
 * @param secretKey             base64 of a 32-byte key for secrets at rest; unset on an H2 file = a generated key file
 * @param allowPrivateHosts     let tenants' connections reach loopback/private addresses and local files (dev, tests)
 * @param maxConcurrentRuns     per tenant: queued + running runs above which a trigger gets 429
 * @param retention             finished runs older than this are deleted
 * @param leaseTimeout          a run's lease (and a dead node's run) is taken over after this much silence
 * @param engineHeartbeat       how often a running run refreshes its lease
 * @param eventsInterval        SSE progress at most this often
 * @param corsOrigins           origins allowed to call /api/v1 from a browser
 * @param webhookMaxAttempts    deliveries per webhook event before giving up
 * @param webhookBackoff        first retry delay of a webhook (doubles each time)
 * @param housekeepingInterval  how often retention runs
 */
@ConfigurationProperties("ferry")
public record FerryProperties(String state, String adminToken, String secretKey, boolean allowPrivateHosts,
                              Integer maxConcurrentRuns, Duration retention, Duration leaseTimeout,
                              Duration engineHeartbeat, Duration eventsInterval, List<String> corsOrigins,
                              Integer webhookMaxAttempts, Duration webhookBackoff, Duration housekeepingInterval) {
    public static final String DEFAULT_STATE = "jdbc:h2:file:./.ferry/state";

    public FerryProperties {
        state = state == null || state.isBlank() ? DEFAULT_STATE : state.trim();
        adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken;
        secretKey = secretKey == null || secretKey.isBlank() ? null : secretKey.trim();
        maxConcurrentRuns = maxConcurrentRuns == null ? 4 : maxConcurrentRuns;
        retention = retention == null ? Duration.ofDays(7) : retention;
        leaseTimeout = leaseTimeout == null ? Duration.ofSeconds(60) : leaseTimeout;
        engineHeartbeat = engineHeartbeat == null ? Duration.ofSeconds(10) : engineHeartbeat;
        eventsInterval = eventsInterval == null ? Duration.ofMillis(250) : eventsInterval;
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        webhookMaxAttempts = webhookMaxAttempts == null ? 5 : webhookMaxAttempts;
        webhookBackoff = webhookBackoff == null ? Duration.ofSeconds(10) : webhookBackoff;
        housekeepingInterval = housekeepingInterval == null ? Duration.ofHours(1) : housekeepingInterval;
    }
}
