package dev.ferry.connectors.csv;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ReadSpec;
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
    private CsvScan scan; // opened on the first next(), so a failed open leaves nothing to close
    private long consumed;
    private long seq;
    private long bytesBefore;
    private boolean done;

    CsvBatchReader(CsvSource source, ReadSpec spec, CursorFilter filter, long skip) {
        this.source = source;
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
        long consumedBefore = consumed;
        while (rows.size() < spec.batchSize()) {
            Optional<CsvScan.Cells> cells = scan.next();
            if (cells.isEmpty()) {
                done = true;
                break;
            }
            Object[] row = source.decoder().decode(cells.get());
            consumed++;
            if (filter.accepts(row)) rows.add(row);
        }
        if (rows.isEmpty()) {
            close();
            return Optional.empty();
        }
        return Optional.of(new Batch(seq++, source.schema(), rows,
                new CsvPosition(consumed, source.fingerprintValue()).encode(), bytes(consumed - consumedBefore)));
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
