package dev.ferry.connectors.csv;

import dev.ferry.spi.Column;
import dev.ferry.spi.Plan;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * A CSV file (local, or downloaded from a URL first) as a source. {@link #load()} downloads (phase "downloading"),
 * fingerprints the file and infers the schema; then the phase is "processing". Rows come in file order, so batches
 * are consecutive chunks and a position is the count of data rows consumed, tied to the file's fingerprint:
 * resuming re-parses from the start and skips exactly that many rows. See {@link CsvSourceFactory} for settings.
 */
final class CsvSource implements Source {
    private static final Logger log = LoggerFactory.getLogger(CsvSource.class);

    private final CsvSettings settings;
    private final HttpClient http; // null for a local file
    private final Clock clock;
    private final String where;
    private final HttpDownload download;

    private volatile String phase;
    private Path file;
    private Path tempFile;
    private Schema schema;
    private RowDecoder decoder;
    private volatile long sizeBytes = -1;
    private volatile long lines = -1;
    private volatile long rows = -1;
    /** Bytes gone through in the two passes of processing (checksum, then the plan's check of every value). */
    private volatile long scannedBytes;
    private String fingerprint;
    /** Validators of the content an earlier run read: the download asks the server whether it changed since. */
    private HttpDownload.Validators conditionalOn = HttpDownload.Validators.NONE;
    private boolean notModified;

    CsvSource(CsvSettings settings, HttpClient http, Clock clock) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
        this.where = settings.describe();
        this.download = settings.url().isPresent() ? new HttpDownload(http, settings, clock) : null;
        this.phase = download != null ? "downloading" : "processing";
    }

    private boolean loaded;

    /** Loads on first use; after a failure the next call tries again (a transient download error is retried). */
    synchronized void ensureLoaded() {
        if (loaded && !notModified) return;
        notModified = false; // unchanged, yet the content is wanted after all: fetch it
        try {
            load();
            loaded = true;
        } catch (RuntimeException | Error e) {
            deleteTempFile();
            throw e;
        }
    }

    /** Downloads (for a URL), fingerprints and inspects the file. */
    private void load() {
        if (download != null) {
            phase = "downloading";
            try {
                tempFile = Files.createTempFile("ferry-csv-", ".csv");
            } catch (IOException e) {
                throw new SyncException("cannot create a temporary file for " + where + " (" + e.getMessage()
                        + "); check free space and java.io.tmpdir", e);
            }
            if (!download.fetchTo(tempFile, conditionalOn)) {
                notModified = true;
                phase = null;
                return;
            }
            file = tempFile;
            log.info("downloaded {} bytes from {}", download.bytesDownloaded(), where);
        } else {
            file = settings.file().orElseThrow();
        }
        phase = "processing";
        fingerprint();
        inferSchema();
    }

    /** One quick pass over the bytes: size, physical lines, and a CRC that ties checkpoints to this exact content. */
    private void fingerprint() {
        CRC32C crc = new CRC32C();
        long size = 0;
        long newlines = 0;
        int last = -1;
        byte[] buf = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            sizeBytes = Files.size(file); // for progress while this pass runs; the pass sets it exactly
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
                size += n;
                scannedBytes = size;
                for (int i = 0; i < n; i++) if (buf[i] == '\n') newlines++;
                last = buf[n - 1];
            }
        } catch (IOException e) {
            throw new SyncException(where + ": cannot read the file (" + e.getMessage() + ")", e);
        }
        sizeBytes = size;
        lines = newlines + (size > 0 && last != '\n' ? 1 : 0);
        fingerprint = Long.toHexString(crc.getValue()) + "-" + Long.toHexString(size);
    }

    private void inferSchema() {
        String columnsKey = "source.columns";
        List<String> names;
        List<CsvScan.Cells> sample = new ArrayList<>();
        boolean sawWholeFile;
        List<String> headerCells = null;
        try (CsvScan scan = new CsvScan(settings, file, where)) {
            Optional<CsvScan.Cells> first = scan.next();
            if (settings.header()) {
                if (first.isEmpty()) {
                    throw new SyncException(where + ": the file is empty; it needs a header row (or set source.header: false and source.columns)");
                }
                headerCells = List.of(first.get().text());
                first = scan.next();
            }
            Optional<CsvScan.Cells> c = first;
            while (c.isPresent() && sample.size() < settings.inferRows()) {
                sample.add(c.get());
                c = scan.next();
            }
            sawWholeFile = c.isEmpty();
            if (headerCells != null) {
                names = HeaderNames.columnNames(headerCells);
            } else if (!settings.declared().isEmpty()) {
                names = new ArrayList<>(settings.declared().keySet());
            } else {
                int widest = sample.stream().mapToInt(CsvScan.Cells::size).max().orElse(0);
                names = HeaderNames.numbered(widest);
            }
        }
        if (settings.header()) {
            List<String> unknown = new ArrayList<>();
            for (String declared : settings.declared().keySet()) if (!names.contains(declared)) unknown.add(declared);
            if (!unknown.isEmpty()) {
                throw new SyncException(columnsKey + ": " + String.join(", ", unknown) + " not in the header of " + where
                        + "; its columns are " + names + " (header names are turned into lower_snake_case)");
            }
        }
        List<Column> columns = new ArrayList<>(names.size());
        boolean[] inferred = new boolean[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Optional<CsvTypes.Declared> declared = settings.declared().getOrDefault(name, Optional.empty());
            if (declared.isPresent()) {
                columns.add(declared.get().column(name));
                continue;
            }
            inferred[i] = true;
            ColumnGuess guess = new ColumnGuess();
            for (CsvScan.Cells row : sample) {
                if (i >= row.size()) continue;
                String text = row.text()[i];
                // blank cells say nothing about the type (and read as null in a typed column)
                if (text.isBlank() || RowDecoder.isNull(text, row.quoted()[i], settings.nullValues())) continue;
                guess.observe(text, settings.numberText(text));
            }
            columns.add(guess.column(name, sawWholeFile));
        }
        schema = new Schema(columns);
        decoder = new RowDecoder(schema, settings.nullValues(), where, columnsKey, inferred, settings.inferRows(),
                requiredCells(headerCells, names.size()), settings::numberText);
        log.debug("{}: inferred {} from {} rows", where, columns, sample.size());
    }

    /** Cells a record must have: all columns, but a header's trailing blank names (a trailing delimiter) are optional. */
    private static int requiredCells(List<String> headerCells, int columns) {
        if (headerCells == null) return columns;
        int required = headerCells.size();
        while (required > 0 && headerCells.get(required - 1).isBlank()) required--;
        return Math.min(required, columns);
    }

    @Override
    public Schema schema() {
        ensureLoaded();
        return schema;
    }

    /**
     * Reads the whole file once: counts the rows this run will deliver (records that do not fit the schema count
     * too: they become dead letters), finds the cursor's maximum, and checks every value against the schema, so
     * with source.badRows: fail a bad value stops the run before anything is written.
     */
    @Override
    public Plan plan(ReadSpec spec) {
        ensureLoaded();
        CursorFilter filter = CursorFilter.of(schema, spec, where);
        long total = 0;
        long all = 0;
        Object max = null;
        try (CsvScan scan = openScan()) {
            for (Optional<CsvScan.Cells> c = scan.next(); c.isPresent(); c = scan.next()) {
                if ((all & 1023) == 0) scannedBytes = sizeBytes + scan.bytesRead();
                Object[] row;
                try {
                    row = decoder.decode(c.get());
                } catch (RowDecoder.BadRow bad) {
                    if (settings.failOnBadRows()) throw new SyncException(bad.getMessage() + " (or set source.badRows: dead_letter)");
                    all++;
                    if (filter.accepts(bad.partial)) total++;
                    continue;
                }
                all++;
                Object v = filter.value(row);
                if (v != null && (max == null || CsvTypes.CURSOR_ORDER.compare(v, max) > 0)) max = v;
                if (filter.accepts(row)) total++;
            }
        }
        rows = all;
        Optional<String> cursorTo = filter.active() && max != null ? Optional.of(CsvTypes.encode(max)) : Optional.empty();
        return new Plan(OptionalLong.of(total), OptionalLong.of(sizeBytes), cursorTo);
    }

    /** A scan positioned after the header row. */
    CsvScan openScan() {
        CsvScan scan = new CsvScan(settings, file, where);
        if (settings.header()) scan.next();
        return scan;
    }

    @Override
    public SourceReader open(ReadSpec spec, Optional<String> resumeAfter) {
        ensureLoaded();
        long skip = 0;
        if (resumeAfter.isPresent()) {
            CsvPosition pos = CsvPosition.parse(resumeAfter.get(), where);
            if (pos.fingerprint().equals(fingerprint)) {
                skip = pos.rows();
            } else {
                // the file changed since the checkpoint: row numbers no longer mean the same rows; upserts by key
                // make a pass from the start safe, skipping could lose rows
                log.warn("{} changed since the checkpoint; reading it again from the start", where);
            }
        }
        return new CsvBatchReader(this, spec, CursorFilter.of(schema, spec, where), skip);
    }

    CsvSettings settings() {
        return settings;
    }

    RowDecoder decoder() {
        return decoder;
    }

    /** Data rows in the file, known once {@link #plan} has run; -1 before. */
    long rowCount() {
        return rows;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    String fingerprintValue() {
        return fingerprint;
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> s = new LinkedHashMap<>();
        if (download != null) {
            s.put("bytesDownloaded", download.bytesDownloaded());
            download.contentLength().ifPresent(n -> s.put("contentLength", n));
        }
        if (sizeBytes >= 0) s.put("sizeBytes", sizeBytes);
        if (lines >= 0) s.put("lines", lines);
        if (rows >= 0) s.put("rows", rows);
        return s;
    }

    /** {@code crc=…} of the bytes, plus the server's {@code etag=…} and {@code last-modified=…} when it sent them. */
    @Override
    public Optional<String> contentVersion() {
        if (notModified || fingerprint == null) return Optional.empty();
        StringBuilder v = new StringBuilder("crc=").append(fingerprint);
        if (download != null) {
            download.validators().etag().ifPresent(e -> v.append("\netag=").append(e));
            download.validators().lastModified().ifPresent(m -> v.append("\nlast-modified=").append(m));
        }
        return Optional.of(v.toString());
    }

    /**
     * For a URL whose server gave validators, a conditional GET (a 304 means unchanged; a 200 is the download this run
     * uses); otherwise the content is loaded and its checksum compared — a local file is read once, not parsed.
     */
    @Override
    public synchronized boolean unchangedSince(String version) {
        Map<String, String> was = new LinkedHashMap<>();
        for (String line : version.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) was.put(line.substring(0, eq), line.substring(eq + 1));
        }
        if (download != null && !loaded && tempFile == null) {
            conditionalOn = new HttpDownload.Validators(Optional.ofNullable(was.get("etag")), Optional.ofNullable(was.get("last-modified")));
        }
        try {
            ensureLoaded();
        } finally {
            conditionalOn = HttpDownload.Validators.NONE;
        }
        if (notModified) return true;
        return fingerprint != null && fingerprint.equals(was.get("crc"));
    }

    /** A download takes 0–60 % of the bar and processing 60–80 %; a local file's processing 0–20 %; rows the rest. */
    @Override
    public double preparationShare() {
        return download != null ? 0.8 : 0.2;
    }

    @Override
    public double preparationProgress() {
        if (rows >= 0) return 1.0;
        double downloadShare = download != null ? 0.75 : 0.0; // of the preparation: 60 of 80
        if ("downloading".equals(phase)) {
            long length = download.contentLength().orElse(0); // unknown length: no share until the bytes are in
            return length > 0 ? downloadShare * Math.min(1.0, (double) download.bytesDownloaded() / length) : 0.0;
        }
        long size = sizeBytes;
        double processed = size > 0 ? Math.min(1.0, scannedBytes / (2.0 * size)) : 0;
        return downloadShare + (1 - downloadShare) * processed;
    }

    @Override
    public Optional<String> phase() {
        return Optional.ofNullable(phase);
    }

    @Override
    public void close() {
        deleteTempFile();
        if (http != null) http.close();
    }

    private void deleteTempFile() {
        if (tempFile != null) {
            try {
                Files.deleteIfExists(tempFile);
            } catch (IOException e) {
                log.warn("could not delete temporary file {}: {}", tempFile, e.getMessage());
            }
            tempFile = null;
        }
    }
}
