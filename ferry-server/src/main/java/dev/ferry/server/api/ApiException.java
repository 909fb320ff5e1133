package dev.ferry.server.api;

import org.springframework.http.HttpStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A request the API refuses, with the status and what the caller can do; rendered as application/problem+json. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final Map<String, Object> extra;

    public ApiException(HttpStatus status, String detail, Map<String, Object> extra) {
        super(detail);
        this.status = status;
        this.extra = Map.copyOf(extra);
    }

    public HttpStatus status() {
        return status;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, what + " not found", Map.of());
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, detail, Map.of());
    }

    public static ApiException activeRun(String runId) {
        return new ApiException(HttpStatus.CONFLICT, "run " + runId + " is already active on this destination; "
                + "wait for it or cancel it (POST /api/v1/runs/" + runId + "/cancel)", Map.of("activeRunId", runId));
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, detail, Map.of());
    }

    /** Every problem, each with the key path it concerns ("source.url: …" → path source.url). */
    public static ApiException invalid(List<String> problems) {
        List<Map<String, String>> errors = problems.stream().map(ApiException::split).toList();
        return new ApiException(HttpStatus.BAD_REQUEST, problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems: " + String.join("; ", problems), Map.of("errors", errors));
    }

    public static ApiException tooMany(String detail, Duration retryAfter) {
        return new TooMany(detail, retryAfter);
    }

    static Map<String, String> split(String problem) {
        int i = problem.indexOf(": ");
        if (i > 0 && !problem.substring(0, i).contains(" ")) {
            return Map.of("path", problem.substring(0, i), "message", problem.substring(i + 2));
        }
        return Map.of("path", "", "message", problem);
    }

    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    static final class TooMany extends ApiException {
        private final Duration retryAfter;

        TooMany(String detail, Duration retryAfter) {
            super(HttpStatus.TOO_MANY_REQUESTS, detail, Map.of());
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(retryAfter);
        }
    }
}
