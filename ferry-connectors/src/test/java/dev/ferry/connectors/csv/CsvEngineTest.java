package dev.ferry.connectors.csv;

import dev.ferry.core.CancelToken;
import dev.ferry.core.Connectors;
import dev.ferry.core.DeadLetter;
import dev.ferry.core.Engine;
import dev.ferry.core.RetrySettings;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import dev.ferry.core.RunStatus;
import dev.ferry.core.SyncJob;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.WriteMode;
import dev.ferry.testkit.FakeDestination;
import dev.ferry.testkit.FakeDestinationFactory;
import dev.ferry.testkit.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A messy sheet export through the real engine: bad records become dead letters with their reason, the rest lands. */
class CsvEngineTest {
    private static final RetrySettings FAST = new RetrySettings(Duration.ofMillis(1), 2.0, 2, 0.0, Duration.ofMillis(2));
    @TempDir
    Path dir;
    private InMemoryStateStore store = new InMemoryStateStore();
    private final FakeDestination dest = new FakeDestination();

    private SyncJob job(Path file, Map<String, Object> extra, int batchSize) {
        Map<String, Object> src = new LinkedHashMap<>(Map.of("type", "csv", "path", file.toString(), "key", List.of("id"), "inferRows", 20));
        src.putAll(extra);
        return new SyncJob("sheet", "csv", new ConnectorConfig("source", src), "fake",
                new ConnectorConfig("destination", Map.of("type", "fake", "url", "mem://dst")), "dst.sheet",
                List.of("id"), Optional.empty(), WriteMode.UPSERT, batchSize, 2, FAST, false);
    }

    private RunInfo run(SyncJob job) {
        Connectors connectors = new Connectors().add(new CsvSourceFactory()).add(new FakeDestinationFactory(dest));
        return new Engine(store, connectors, Clock.systemUTC()).run(job, RunListener.NONE, new CancelToken());
    }

    /**
     * A sheet as people make them: BOM, a duplicated header, blank lines, a quoted newline, amounts with thousands
     * separators — and, past the rows types are inferred from, a few bad amounts and a line with a stray field.
     */
    @Test
    void messySheetBadRecordsAreDeadLetteredWithReasonsAndTheRestLands() throws IOException {
        for (long seed : new long[]{1, 7, 42}) {
            Random rnd = new Random(seed);
            StringBuilder sb = new StringBuilder("\uFEFFID,Name,Name,Amount\r\n");
            int rows = 200 + rnd.nextInt(200);
            Map<Integer, String> bad = new LinkedHashMap<>();
            for (int i = 1; i <= rows; i++) {
                if (rnd.nextInt(10) == 0) sb.append("\r\n"); // blank line
                boolean poison = i > 30 && rnd.nextInt(25) == 0;
                String name = rnd.nextInt(8) == 0 ? "\"two\nlines " + i + "\"" : "n" + i;
                if (poison && rnd.nextBoolean()) {
                    sb.append(i).append(',').append(name).append(",x,n/a\r\n");
                    bad.put(i, "'n/a' is not a decimal number");
                } else if (poison) {
                    sb.append(i).append(',').append(name).append(",x,1,stray\r\n");
                    bad.put(i, "has 5 fields but there are 4 columns");
                } else {
                    sb.append(i).append(',').append(name).append(",x,\"").append(String.format(java.util.Locale.US, "%,d.%02d", i * 1000, i % 100)).append("\"\r\n");
                }
            }
            store = new InMemoryStateStore();
            dest.truncate();
            Path file = dir.resolve("messy-" + seed + ".csv");
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);

            RunInfo r = run(job(file, Map.of(), 37));
            assertThat(r.status()).as(r.toString()).isEqualTo(bad.isEmpty() ? RunStatus.SUCCEEDED : RunStatus.PARTIAL);
            assertThat(r.counters().total()).isEqualTo(rows);
            assertThat(r.counters().processed()).isEqualTo(rows);
            assertThat(r.counters().failed()).isEqualTo(bad.size());
            assertThat(r.counters().inserted()).isEqualTo(rows - bad.size());
            assertThat(dest.size()).isEqualTo(rows - bad.size());
            // thousands separators read as numbers; the duplicate header got a distinct name
            Object[] first = dest.get(1L).orElseThrow();
            assertThat(first).contains(new BigDecimal("1000.01"));
            List<DeadLetter> letters = store.deadLetters(r.runId());
            assertThat(letters).extracting(DeadLetter::sourceKey)
                    .containsExactlyInAnyOrderElementsOf(bad.keySet().stream().map(String::valueOf).toList());
            for (DeadLetter l : letters) {
                assertThat(l.reason()).startsWith("source: " + file).contains(bad.get(Integer.parseInt(l.sourceKey())));
            }

            // declared as text, the amounts that were refused go in on replay
            if (bad.values().stream().allMatch(b -> b.contains("n/a"))) {
                RunInfo replayed = new Engine(store, new Connectors().add(new CsvSourceFactory()).add(new FakeDestinationFactory(dest)),
                        Clock.systemUTC()).replay(r.runId(), job(file, Map.of("columns", Map.of("amount", "string")), 37));
                assertThat(replayed.counters().failed()).isZero();
                assertThat(dest.size()).isEqualTo(rows);
            }
        }
    }

    /** A slow sheet download: percent rises inside 0–60 % while downloading, never goes back, and ends at 100. */
    @Test
    void aSheetImportFillsTheBarByPhaseDownloadingProcessingSaving() throws Exception {
        StringBuilder sb = new StringBuilder("id,name,amount\n");
        for (int i = 1; i <= 40_000; i++) sb.append(i).append(",name ").append(i).append(',').append(i % 997).append(".5\n");
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/sheet.csv", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/csv");
            ex.sendResponseHeaders(200, body.length);
            try (java.io.OutputStream out = ex.getResponseBody()) {
                int chunk = body.length / 20 + 1;
                for (int off = 0; off < body.length; off += chunk) {
                    out.write(body, off, Math.min(chunk, body.length - off));
                    out.flush();
                    Thread.sleep(150); // 20 chunks: about 3 s, so the twice-a-second ticker sees it
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try {
            List<RunInfo> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            SyncJob job = new SyncJob("sheet", "csv", new ConnectorConfig("source", Map.of("type", "csv", "key", List.of("id"),
                    "url", "http://127.0.0.1:" + server.getAddress().getPort() + "/sheet.csv")), "fake",
                    new ConnectorConfig("destination", Map.of("type", "fake", "url", "mem://dst")), "dst.sheet",
                    List.of("id"), Optional.empty(), WriteMode.UPSERT, 1000, 2, FAST, false);
            Connectors connectors = new Connectors().add(new CsvSourceFactory()).add(new FakeDestinationFactory(dest));
            RunInfo r = new Engine(store, connectors, Clock.systemUTC()).run(job, seen::add, new CancelToken());
            assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(r.percent()).hasValue(100.0);
            assertThat(dest.size()).isEqualTo(40_000);
            List<Double> downloading = seen.stream().filter(i -> i.phase() == dev.ferry.core.Phase.DOWNLOADING)
                    .map(i -> i.percent().orElse(0.0)).toList();
            assertThat(downloading).as("percent while downloading").filteredOn(p -> p > 0 && p < 60).hasSizeGreaterThanOrEqualTo(3);
            assertThat(downloading).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(60.0));
            List<Double> all = seen.stream().map(i -> i.percent().orElse(0.0)).toList();
            for (int i = 1; i < all.size(); i++) assertThat(all.get(i)).as("percent never goes back: " + all).isGreaterThanOrEqualTo(all.get(i - 1));
            // once rows flow, the bar starts at 80 %
            assertThat(seen.stream().filter(i -> i.phase() == dev.ferry.core.Phase.READING || i.phase() == dev.ferry.core.Phase.WRITING)
                    .map(i -> i.percent().orElseThrow())).allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(80.0));
            assertThat(r.stats()).containsEntry("sizeBytes", (long) body.length).containsEntry("lines", 40_001L);
        } finally {
            server.stop(0);
        }
    }

    /**
     * A sheet behind a server that sends an ETag: the second run asks with If-None-Match, gets 304 and ends at once
     * (nothing read, nothing written); a changed sheet is read again; changed settings too, though the sheet is the
     * same; --full-refresh ignores the ETag.
     */
    @Test
    void anUnchangedSheetIsSkippedByConditionalGet() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> content = new java.util.concurrent.atomic.AtomicReference<>("id,amount\n1,10\n2,20\n");
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/s.csv", ex -> {
            String body = content.get();
            String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
            String ifNoneMatch = ex.getRequestHeaders().getFirst("If-None-Match");
            asked.add(String.valueOf(ifNoneMatch));
            ex.getResponseHeaders().add("ETag", etag);
            if (etag.equals(ifNoneMatch)) {
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/csv");
            ex.sendResponseHeaders(200, b.length);
            try (java.io.OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/s.csv";
            java.util.function.Function<Map<String, Object>, SyncJob> job = extra -> {
                Map<String, Object> src = new LinkedHashMap<>(Map.of("type", "csv", "url", url, "key", List.of("id")));
                src.putAll(extra);
                return new SyncJob("etag", "csv", new ConnectorConfig("source", src), "fake",
                        new ConnectorConfig("destination", Map.of("type", "fake", "url", "mem://dst")), "dst.etag",
                        List.of("id"), Optional.empty(), WriteMode.UPSERT, 100, 2, FAST, false);
            };
            RunInfo first = run(job.apply(Map.of()));
            assertThat(first.counters().inserted()).isEqualTo(2);
            assertThat(asked).containsExactly("null");
            long writes = dest.writeCalls();

            RunInfo second = run(job.apply(Map.of()));
            assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(second.message().orElseThrow()).contains("source unchanged since run " + first.runId());
            assertThat(second.counters().unchanged()).isEqualTo(2);
            assertThat(second.counters().processed()).isEqualTo(2);
            assertThat(asked).hasSize(2).last().asString().startsWith("\"");
            assertThat(dest.writeCalls()).as("nothing written").isEqualTo(writes);

            // a third run: the previous run (the skip) carries the version on
            assertThat(run(job.apply(Map.of())).message().orElseThrow()).contains("source unchanged");

            content.set("id,amount\n1,10\n2,25\n3,30\n");
            RunInfo changed = run(job.apply(Map.of()));
            assertThat(changed.counters().inserted()).isEqualTo(1);
            assertThat(changed.counters().updated()).isEqualTo(1);
            assertThat(changed.counters().unchanged()).isEqualTo(1);

            // any change to the sync's settings (here the rows sampled for types) means the last run is no guide
            RunInfo redeclared = run(job.apply(Map.of("inferRows", 50)));
            assertThat(redeclared.message().orElseThrow()).doesNotContain("source unchanged");
            assertThat(redeclared.counters().processed()).as(redeclared.toString()).isEqualTo(3);

            RunInfo full = run(job.apply(Map.of("inferRows", 50)).withFullRefresh(true));
            assertThat(full.message().orElseThrow()).doesNotContain("source unchanged");
            assertThat(full.counters().unchanged()).isEqualTo(3);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnchangedLocalFileIsSkippedByItsChecksum() throws IOException {
        Path file = dir.resolve("same.csv");
        Files.writeString(file, "id,v\n1,a\n2,b\n");
        assertThat(run(job(file, Map.of(), 10)).counters().inserted()).isEqualTo(2);
        long writes = dest.writeCalls();
        RunInfo again = run(job(file, Map.of(), 10));
        assertThat(again.message().orElseThrow()).contains("source unchanged");
        assertThat(dest.writeCalls()).isEqualTo(writes);
        Files.writeString(file, "id,v\n1,a\n2,c\n");
        assertThat(run(job(file, Map.of(), 10)).counters().updated()).isEqualTo(1);
    }

    @Test
    void badRowsFailStopsBeforeAnythingIsWritten() throws IOException {
        Path file = dir.resolve("f.csv");
        StringBuilder sb = new StringBuilder("id,amount\n");
        for (int i = 1; i <= 50; i++) sb.append(i).append(',').append(i == 45 ? "oops" : String.valueOf(i)).append('\n');
        Files.writeString(file, sb.toString());
        RunInfo r = run(job(file, Map.of("badRows", "fail"), 10));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error().orElseThrow()).contains("line 46, column amount: 'oops'").contains("source.badRows: dead_letter");
        assertThat(dest.size()).isZero();
    }
}
