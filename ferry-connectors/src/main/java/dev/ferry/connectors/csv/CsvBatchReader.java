package dev.ferry.connectors.csv;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.RejectedRecord;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.SourceReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a CSV in file order in chunks of batchSize delivered rows. A CSV has no key order to page by, so a batch's
 * position is the count of data rows consumed so far (delivered or filtered out by the cursor); resuming re-parses
 * the file and skips exactly that many. Duplicate keys within a file both go out, in file order: the destination
 * upserts, so the last one wins.
 */
final class CsvBatchReader implements SourceReader {
    private final CsvSource source;
    private final ReadSpec spec;
    private final CursorFilter filter;
    private final long skip;
    private final int[] keyIndexes;
    private CsvScan scan; // opened on the first next(), so a failed open leaves nothing to close
    private long consumed;
    private long seq;
    private long bytesBefore;
    private boolean done;

    CsvBatchReader(CsvSource source, ReadSpec spec, CursorFilter filter, long skip) {
        this.source = source;
        // key columns the schema lacks are the engine's to report; here they only label dead letters
        this.keyIndexes = spec.key().stream().mapToInt(k -> source.schema().indexOf(k)).filter(i -> i >= 0).toArray();
        this.spec = spec;
        this.filter = filter;
        this.skip = skip;
    }

    @Override
    public Optional<Batch> next() {
        if (done) return Optional.empty();
        if (scan == null) {
            scan = source.openScan();
            // skipped rows are not decoded: they were read and checked by an earlier pass
            while (consumed < skip && scan.next().isPresent()) consumed++;
            bytesBefore = scan.bytesRead();
        }
        List<Object[]> rows = new ArrayList<>(Math.min(spec.batchSize(), 10_000));
        List<RejectedRecord> rejected = new ArrayList<>();
        long consumedBefore = consumed;
        while (rows.size() + rejected.size() < spec.batchSize()) {
            Optional<CsvScan.Cells> cells = scan.next();
            if (cells.isEmpty()) {
                done = true;
                break;
            }
            consumed++;
            try {
                Object[] row = source.decoder().decode(cells.get());
                source.decoder().requireKey(row, cells.get(), keyIndexes);
                if (filter.accepts(row)) rows.add(row);
            } catch (RowDecoder.BadRow bad) {
                if (source.settings().failOnBadRows()) throw new SyncException(bad.getMessage() + " (or set source.badRows: dead_letter)");
                // a bad record whose cursor decoded and is outside this run's window was handled by an earlier run
                if (filter.accepts(bad.partial)) {
                    rejected.add(new RejectedRecord(bad.key(keyIndexes), bad.getMessage(), bad.payload(source.schema())));
                }
            }
        }
        if (rows.isEmpty() && rejected.isEmpty()) {
            close();
            return Optional.empty();
        }
        return Optional.of(new Batch(seq++, source.schema(), rows,
                new CsvPosition(consumed, source.fingerprintValue()).encode(), bytes(consumed - consumedBefore),
                Optional.empty(), rejected));
    }

    /**
     * Bytes this batch stands for. The parser reads ahead in large buffers, so once the row count is known (after
     * plan) the file size is shared out by rows, which keeps byte progress smooth; before that, the bytes read.
     */
    private long bytes(long rowsConsumed) {
        long total = source.rowCount();
        if (total > 0) return Math.round((double) source.sizeBytes() * rowsConsumed / total);
        long delta = scan.bytesRead() - bytesBefore;
        bytesBefore = scan.bytesRead();
        return delta;
    }


    @Override
    public void close() {
        done = true;
        if (scan != null) {
            scan.close();
        }
    }
}
