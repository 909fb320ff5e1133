package dev.ferry.server.api;

import dev.ferry.spi.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import java.net.URI;

/** Every refusal as application/problem+json (RFC 9457). */
@RestControllerAdvice
public class ProblemHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        p.setType(URI.create("https://ferry.dev/problems/" + e.status().value()));
        e.extra().forEach(p::setProperty);
        ResponseEntity.BodyBuilder b = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        e.retryAfter().ifPresent(d -> b.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, (d.toMillis() + 999) / 1000))));
        return b.body(p);
    }

    @ExceptionHandler(ConfigException.class)
    ResponseEntity<ProblemDetail> config(ConfigException e) {
        return api(ApiException.invalid(e.problems()));
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<ProblemDetail> unreadable(Exception e) {
        return api(new ApiException(HttpStatus.BAD_REQUEST, "the request body or a parameter could not be read; "
                + "send JSON (or YAML with Content-Type: application/yaml)", java.util.Map.of()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return api(new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json or application/yaml",
                java.util.Map.of()));
    }
}
