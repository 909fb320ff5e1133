package dev.ferry.server;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small HTTP client for the tests: every answer is kept, so a test can search them all (canary secrets). */
final class Api {
    static final JsonMapper JSON = JsonMapper.builder().build();
    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String contentType() {
            return header("Content-Type");
        }
    }

    Answer call(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (contentType != null) b.header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            answers.add(r.headers().map() + "\n" + r.body());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path, String token) {
        return call("GET", path, token, null, null);
    }

    Answer post(String path, String token, String json) {
        return call("POST", path, token, json == null ? null : "application/json", json);
    }

    Answer waitForEnd(String runId, String token, Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        while (true) {
            Answer a = get("/api/v1/runs/" + runId, token);
            String s = a.json().path("status").asString();
            if (!s.equals("queued") && !s.equals("running")) return a;
            if (System.nanoTime() > until) throw new AssertionError("run " + runId + " still " + s + " after " + max + ": " + a.body());
            Thread.sleep(100);
        }
    }
}
