package dev.ferry.core;

import dev.ferry.core.transform.RecordTransformer;
import dev.ferry.core.transform.Violation;
import dev.ferry.spi.Batch;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.LinkedResult;
import dev.ferry.spi.LinkedRows;
import dev.ferry.spi.LinkedTable;
import dev.ferry.spi.LinkedWriteResult;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The transform step between read and write, when the sync file has {@code transform:} or {@code derive:}: maps and
 * validates each source record, sets aside those that break a rule (skipped, with field/rule/value), and writes the
 * rest with their derived rows in one destination transaction per batch. A record the destination refuses is found
 * by bisecting, as without a transform, and its derived rows go back with it.
 */
final class TransformStage {
    private final RecordTransformer transformer;
    private final Schema source;
    private final int[] sourceKey;
    private final int[] outputKey;
    private final List<LinkedTable> linked;

    /** A source record and what it became. */
    private record Item(Object[] source, Object[] row, Object[][] derived) {
    }

    /**
     * What one batch did.
     *
     * @param failed  source row → reason, for records the destination refused
     * @param skipped source row → the rule it broke
     * @param linked  per derived table (in {@link #linked()} order)
     */
    record Result(WriteResult primary, Map<Object[], String> failed, Map<Object[], Violation> skipped, List<LinkedResult> linked) {
    }

    TransformStage(SyncJob job, Schema source) {
        this.transformer = RecordTransformer.compile(job.transform(), source, job.key());
        this.source = source;
        this.sourceKey = source.indexesOf(job.key());
        this.outputKey = transformer.output().indexesOf(transformer.outputKey());
        this.linked = transformer.derivedTables();
    }

    Schema output() {
        return transformer.output();
    }

    List<String> outputKey() {
        return transformer.outputKey();
    }

    List<LinkedTable> linked() {
        return linked;
    }

    int[] sourceKey() {
        return sourceKey;
    }

    Result write(DestinationWriter writer, Batch batch, Retrier retrier) {
        // arrays hash by identity: a LinkedHashMap keeps the records' order, so letters and reasons come in source order
        Map<Object[], Violation> skipped = new LinkedHashMap<>();
        List<Item> items = new ArrayList<>(batch.size());
        for (Object[] row : batch.rows()) {
            RecordTransformer.Outcome o = transformer.apply(row);
            if (o.skipped()) skipped.put(row, o.violation());
            else items.add(new Item(row, o.row(), o.derived()));
        }
        Map<Object[], String> failed = new LinkedHashMap<>();
        List<LinkedResult> sums = new ArrayList<>();
        for (LinkedTable t : linked) sums.add(new LinkedResult(t.table(), WriteResult.NONE, 0));
        WriteResult primary = writeBisecting(writer, batch, items, retrier, failed, sums);
        return new Result(primary, failed, skipped, sums);
    }

    private WriteResult writeBisecting(DestinationWriter writer, Batch batch, List<Item> items, Retrier retrier,
                                       Map<Object[], String> failed, List<LinkedResult> sums) {
        if (items.isEmpty()) return WriteResult.NONE;
        try {
            LinkedWriteResult r = retrier.call(() -> writeOnce(writer, batch, items));
            for (int i = 0; i < r.linked().size(); i++) sums.set(i, sums.get(i).plus(r.linked().get(i)));
            return r.primary();
        } catch (RuntimeException e) {
            if (ErrorClassifier.classify(e) != ErrorKind.RECORD) throw e;
            if (items.size() == 1) {
                failed.put(items.get(0).source(), ErrorClassifier.describe(e));
                return WriteResult.NONE;
            }
            int mid = items.size() / 2;
            return writeBisecting(writer, batch, items.subList(0, mid), retrier, failed, sums)
                    .plus(writeBisecting(writer, batch, items.subList(mid, items.size()), retrier, failed, sums));
        }
    }

    private LinkedWriteResult writeOnce(DestinationWriter writer, Batch batch, List<Item> items) {
        List<Object[]> rows = new ArrayList<>(items.size());
        for (Item it : items) rows.add(it.row());
        Batch out = new Batch(batch.seq(), transformer.output(), rows, batch.position(), 0, Optional.empty());
        if (linked.isEmpty()) return new LinkedWriteResult(writer.write(out), List.of());
        List<LinkedRows> lr = new ArrayList<>(linked.size());
        for (int t = 0; t < linked.size(); t++) {
            // a key may come twice in a batch: its last record decides, as for the primary row
            Map<String, Object[]> byKey = new LinkedHashMap<>();
            for (Item it : items) byKey.put(Values.key(it.row(), outputKey), it.derived()[t]);
            List<Object[]> derived = new ArrayList<>();
            for (Object[] d : byKey.values()) if (d != null) derived.add(d);
            lr.add(new LinkedRows(linked.get(t), derived));
        }
        return writer.writeLinked(out, lr);
    }

    /** Dead letters of category skipped, each naming its field and rule. */
    List<DeadLetter> skippedLetters(String runId, String syncName, Map<Object[], Violation> skipped, Instant at) {
        List<DeadLetter> out = new ArrayList<>();
        skipped.forEach((row, v) -> out.add(new DeadLetter(0, runId, syncName, Values.key(row, sourceKey), v.reason(),
                Engine.payload(source, row), at, Optional.empty(), DeadLetter.SKIPPED, Optional.of(v.field()), Optional.of(v.rule()))));
        return out;
    }
}
