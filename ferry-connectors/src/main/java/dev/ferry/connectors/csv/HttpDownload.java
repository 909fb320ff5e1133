package dev.ferry.connectors.csv;

import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.SyncException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads a CSV over HTTP(S) to a local file, following redirects (a Google Sheets export answers with a 302 to
 * its content server). Failures are sorted here: 408, 429, 5xx and I/O errors are transient (retried by the engine,
 * Retry-After honoured); other 4xx need the user, so they say what to do. Header values are secrets: they are
 * sent, never printed.
 */
final class HttpDownload {
    private final HttpClient client;
    private final CsvSettings settings;
    private final Clock clock;
    private final AtomicLong bytesDownloaded = new AtomicLong();
    private volatile OptionalLong contentLength = OptionalLong.empty();

    HttpDownload(HttpClient client, CsvSettings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(connectTimeout)
                .build();
    }

    long bytesDownloaded() {
        return bytesDownloaded.get();
    }

    OptionalLong contentLength() {
        return contentLength;
    }

    /** The validators a server sent with the content (for a conditional GET next time); empty when it sent none. */
    record Validators(Optional<String> etag, Optional<String> lastModified) {
        static final Validators NONE = new Validators(Optional.empty(), Optional.empty());

        boolean any() {
            return etag.isPresent() || lastModified.isPresent();
        }
    }

    private volatile Validators validators = Validators.NONE;

    Validators validators() {
        return validators;
    }

    /** Fetches the URL into {@code target} (replacing it). */
    void fetchTo(Path target) {
        fetchTo(target, Validators.NONE);
    }

    /**
     * Fetches the URL into {@code target} unless the server says it is unchanged since {@code ifChanged} (a
     * conditional GET: If-None-Match / If-Modified-Since answered 304). Returns false for unchanged.
     */
    boolean fetchTo(Path target, Validators ifChanged) {
        URI url = settings.url().orElseThrow();
        String shown = CsvSettings.redact(url);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(settings.timeout()).GET()
                .header("Accept", "text/csv, text/plain;q=0.9, */*;q=0.5");
        settings.httpHeaders().forEach(request::header);
        ifChanged.etag().ifPresent(e -> request.header("If-None-Match", e));
        ifChanged.lastModified().ifPresent(m -> request.header("If-Modified-Since", m));
        bytesDownloaded.set(0);
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RetriableSyncException("could not download " + shown + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("download of " + shown + " was interrupted", e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 304 && ifChanged.any()) return false;
            if (status < 200 || status >= 300) throw statusError(status, response, shown);
            validators = new Validators(response.headers().firstValue("ETag"), response.headers().firstValue("Last-Modified"));
            String contentType = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (contentType.startsWith("text/html")) {
                // Google answers a sheet that is not shared with its sign-in page, status 200
                throw new SyncException("downloading " + shown + " gave an HTML page instead of CSV (often a sign-in page); "
                        + "share the sheet as 'Anyone with the link' or publish it to the web as CSV, "
                        + "or give credentials in source.headers");
            }
            contentLength = response.headers().firstValueAsLong("Content-Length");
            copy(body, target);
            long expected = contentLength.orElse(-1);
            if (expected >= 0 && bytesDownloaded.get() != expected) {
                throw new RetriableSyncException("download of " + shown + " ended after " + bytesDownloaded.get()
                        + " of " + expected + " bytes", null);
            }
            return true;
        } catch (IOException e) {
            throw new RetriableSyncException("download of " + shown + " broke off after " + bytesDownloaded.get()
                    + " bytes: " + describe(e), e);
        }
    }

    private void copy(InputStream body, Path target) throws IOException {
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n; (n = body.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                bytesDownloaded.addAndGet(n);
            }
        }
    }

    private SyncException statusError(int status, HttpResponse<?> response, String shown) {
        String what = "HTTP " + status + " from " + shown;
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(this::retryAfter).orElse(null);
            return new RetriableSyncException(what + (status == 429 ? ": rate limited" : ": the server is busy or failing")
                    + (retryAfter == null ? "" : "; retry after " + retryAfter.toSeconds() + "s"), null, retryAfter);
        }
        boolean google = settings.url().map(URI::getHost).orElse("").toLowerCase(Locale.ROOT).endsWith("google.com");
        String fix = switch (status) {
            case 401, 403 -> google
                    ? "the sheet is not shared publicly; share it as 'Anyone with the link' or publish it to the web, "
                    + "or give source.headers.Authorization"
                    : "the server refused access; give credentials in source.headers (e.g. Authorization)";
            case 404, 410 -> google
                    ? "no such sheet; check the ID in source.url (https://docs.google.com/spreadsheets/d/ID/export?format=csv&gid=SHEET)"
                    : "nothing at this address; check source.url";
            default -> "check source.url and source.headers";
        };
        return new SyncException(what + ": " + fix);
    }

    /** Retry-After in seconds or as an HTTP date; empty when absent, unreadable or already past. */
    Optional<Duration> retryAfter(String value) {
        String v = value.strip();
        try {
            if (v.matches("\\d+")) return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return d.isNegative() ? Optional.empty() : Optional.of(d);
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }
}
