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
