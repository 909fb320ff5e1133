package dev.ferry.connectors.http;

import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.SyncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the source's requests: rate limit, authentication (tokens cached with their expiry, refreshed 60 s early and
 * once after a 401), and one place that sorts failures: 408, 429, 5xx and I/O errors are transient (Retry-After kept),
 * other 4xx and bodies that are not JSON need the user. Messages show URLs with credential-like query values masked
 * and never a header value, token or password.
 */
final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    static final Duration REFRESH_EARLY = Duration.ofSeconds(60);

    /** What the API client needs of a source's settings (the http and async-query sources both supply it). */
    interface Endpoint {
        String url();

        AuthSettings auth();

        Map<String, String> headers();

        Duration timeout();
    }

    /** A non-2xx answer that needs the user (not transient); {@link #status()} lets callers react, e.g. to 404. */
    static final class StatusException extends SyncException {
        private final int status;

        StatusException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** One answered page. */
    record Page(URI uri, int status, HttpHeaders headers, JsonNode body, long bytes) {}

    private final Endpoint settings;
    private final HttpClient client;
    private final Clock clock;
    private final RateLimiter limiter;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong transientFailures = new AtomicLong();
    final AtomicLong tokenRequests = new AtomicLong();
    final AtomicLong authRefreshes = new AtomicLong();
    private String token;
    private Instant tokenExpires = Instant.MIN;

    HttpApi(Endpoint settings, HttpClient client, Clock clock, RateLimiter limiter) {
        this.settings = settings;
        this.client = client;
        this.clock = clock;
        this.limiter = limiter;
    }

    static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(connectTimeout).build();
    }

    /** Releases the client's connections and selector thread (HttpClient is AutoCloseable since Java 21). */
    void close() {
        client.close();
    }

    long rateLimitWaits() {
        return limiter.waits();
    }

    /** The base URL: as given, or (ionapi) a relative one resolved against the ION API base + tenant. */
    URI baseUri() {
        String url = settings.url();
        if (settings.auth() instanceof AuthSettings.IonApi ion && !URI.create(url).isAbsolute()) {
            return URI.create(ion.apiBase() + "/" + url.replaceAll("^/+", ""));
        }
        return URI.create(url);
    }

    /** Fetches one page; {@code body} is the POST body (null for GET). */
    Page fetch(URI uri, String body) {
        try {
            return fetch(uri, body, true);
        } catch (RetriableSyncException e) {
            transientFailures.incrementAndGet();
            throw e;
        }
    }

    private Page fetch(URI given, String body, boolean mayRefresh) {
        URI uri = given;
        if (settings.auth() instanceof AuthSettings.ApiKey k && k.inQuery()) uri = Urls.withQuery(uri, Map.of(k.name(), k.value()));
        String shown = Urls.redact(uri);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(settings.timeout()).header("Accept", "application/json");
        settings.headers().forEach(rb::header);
        authorize(rb);
        if (body != null) {
            rb.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        } else {
            rb.GET();
        }
        HttpResponse<byte[]> response;
        try {
            limiter.acquire();
            requests.incrementAndGet();
            LOG.debug("http source: {} {}", body == null ? "GET" : "POST", shown);
            response = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new RetriableSyncException("no answer from " + shown + " within " + settings.timeout().toSeconds()
                    + "s (source.timeoutSeconds)", e);
        } catch (IOException e) {
            throw new RetriableSyncException("could not reach " + shown + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("request to " + shown + " was interrupted", e);
        }
        byte[] bytesRead = response.body() == null ? new byte[0] : response.body();
        bytes.addAndGet(bytesRead.length);
        int status = response.statusCode();
        if (status == 401 && mayRefresh && usesTokens()) {
            LOG.info("http source: {} answered 401; fetching a new access token and trying once more", shown);
            authRefreshes.incrementAndGet();
            token = null;
            return fetch(given, body, false);
        }
        if (status < 200 || status >= 300) throw statusError(status, response.headers(), bytesRead, shown);
        try {
            JsonNode node = Json.MAPPER.readTree(bytesRead);
            if (node == null || node.isMissingNode()) throw new IllegalArgumentException("empty");
            return new Page(uri, status, response.headers(), node, bytesRead.length);
        } catch (RuntimeException e) {
            throw new SyncException("the answer from " + shown + " (HTTP " + status + ") is not JSON; it starts with: "
                    + snippet(bytesRead, 120) + " — check source.url (and that the API returns JSON)");
        }
    }

    private boolean usesTokens() {
        return settings.auth() instanceof AuthSettings.OAuth2 || settings.auth() instanceof AuthSettings.IonApi;
    }

    private void authorize(HttpRequest.Builder rb) {
        switch (settings.auth()) {
            case AuthSettings.Bearer b -> rb.header("Authorization", "Bearer " + b.token());
            case AuthSettings.Basic b -> rb.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((b.user() + ":" + b.password()).getBytes(StandardCharsets.UTF_8)));
            case AuthSettings.ApiKey k -> {
                if (!k.inQuery()) rb.header(k.name(), k.value());
            }
            case AuthSettings.OAuth2 o -> rb.header("Authorization", "Bearer " + accessToken(o));
            case AuthSettings.IonApi ion -> rb.header("Authorization", "Bearer " + accessToken(ion.oauth()));
            case AuthSettings.None n -> { }
        }
    }

    /** The cached token, or a new one when none is cached or it expires within {@link #REFRESH_EARLY}. */
    synchronized String accessToken(AuthSettings.OAuth2 o) {
        if (token != null && clock.instant().isBefore(tokenExpires.minus(REFRESH_EARLY))) return token;
        Map<String, String> form = new LinkedHashMap<>();
        if (o.passwordGrant()) {
            form.put("grant_type", "password");
            form.put("username", o.username());
            form.put("password", o.password());
        } else {
            form.put("grant_type", "client_credentials");
        }
        form.put("client_id", o.clientId());
        form.put("client_secret", o.clientSecret());
        o.scope().ifPresent(s -> form.put("scope", s));
        String shown = Urls.redact(o.tokenUrl());
        String fix = settings.auth() instanceof AuthSettings.IonApi ? "check source.auth.file (download the .ionapi file again)"
                : o.passwordGrant() ? "check source.auth.clientId, clientSecret, username and password"
                : "check source.auth.clientId, clientSecret and scope";
        HttpRequest request = HttpRequest.newBuilder(URI.create(o.tokenUrl())).timeout(settings.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Urls.form(form))).build();
        HttpResponse<byte[]> response;
        try {
            tokenRequests.incrementAndGet();
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RetriableSyncException("could not reach the token endpoint " + shown + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("token request to " + shown + " was interrupted", e);
        }
        int status = response.statusCode();
        if (status == 408 || status == 429 || status >= 500) {
            throw new RetriableSyncException("the token endpoint " + shown + " answered HTTP " + status + "; will retry",
                    null, retryAfter(response.headers()).orElse(null));
        }
        JsonNode body = null;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (RuntimeException ignored) {
            // reported below
        }
        if (status < 200 || status >= 300 || body == null || !body.path("access_token").isString()) {
            String error = body == null ? "" : body.path("error").asString("");
            throw new SyncException("the token request to " + shown + " failed (HTTP " + status
                    + (error.isBlank() ? "" : ", " + error.replaceAll("[^\\w .-]", "")) + "); " + fix);
        }
        token = body.path("access_token").stringValue();
        long expiresIn = body.path("expires_in").asLong(3600);
        tokenExpires = clock.instant().plusSeconds(expiresIn);
        LOG.info("http source: new access token from {}, valid {}s", shown, expiresIn);
        return token;
    }

    private SyncException statusError(int status, HttpHeaders headers, byte[] body, String shown) {
        String what = "HTTP " + status + " from " + shown;
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = retryAfter(headers).orElse(null);
            return new RetriableSyncException(what + (status == 429 ? ": rate limited" : ": the server is busy or failing")
                    + (retryAfter == null ? "" : "; retry after " + retryAfter.toSeconds() + "s"), null, retryAfter);
        }
        String fix = switch (status) {
            case 401 -> "the server did not accept the credentials; check source.auth";
            case 403 -> "the credentials lack access to this resource; check source.auth and the account's permissions";
            case 404, 410 -> "nothing at this address; check source.url";
            default -> "check source.url, source.query, source.body and source.headers";
        };
        String text = snippet(body, 200);
        return new StatusException(status, what + ": " + fix + (text.isEmpty() ? "" : "; the server said: " + text));
    }

    /** Retry-After in seconds or as an HTTP date; empty when absent, unreadable or already past. */
    Optional<Duration> retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(value -> {
            String v = value.strip();
            try {
                if (v.matches("\\d+")) return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
                Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Optional.empty() : Optional.of(d);
            } catch (NumberFormatException | DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }

    /** The first {@code max} characters of a body, on one line, with any of our secrets masked. */
    private String snippet(byte[] body, int max) {
        String s = new String(body, 0, Math.min(body.length, max * 4), StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        if (s.length() > max) s = s.substring(0, max) + "…";
        for (String secret : secrets()) s = dev.ferry.spi.Secrets.mask(s, secret);
        return s;
    }

    private java.util.List<String> secrets() {
        java.util.List<String> out = new java.util.ArrayList<>(settings.headers().values());
        switch (settings.auth()) {
            case AuthSettings.Bearer b -> out.add(b.token());
            case AuthSettings.Basic b -> out.add(b.password());
            case AuthSettings.ApiKey k -> out.add(k.value());
            case AuthSettings.OAuth2 o -> { out.add(o.clientSecret()); if (o.password() != null) out.add(o.password()); }
            case AuthSettings.IonApi i -> { out.add(i.oauth().clientSecret()); out.add(i.oauth().password()); }
            case AuthSettings.None n -> { }
        }
        if (token != null) out.add(token);
        return out;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }
}
