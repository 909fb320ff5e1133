package dev.ferry.connectors.mongodb;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.RowChange;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WritePreview;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.TestRows;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A preview (dry run) reports what the real write then does, and leaves the collection as it was. */
class MongoPreviewTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TestMongo mongo = new TestMongo();

    private static Destination open(String collection) {
        return new MongoDestinationFactory().open(mongo.config(collection));
    }

    /** The run's rows in batches of {@code size}. */
    private static List<Batch> batches(Schema schema, List<Object[]> rows, int size) {
        List<Batch> out = new ArrayList<>();
        for (int from = 0, seq = 0; from < rows.size(); from += size, seq++) {
            out.add(new Batch(seq, schema, rows.subList(from, Math.min(rows.size(), from + size)), "p" + seq, 0));
        }
        return out;
    }

    private record Previewed(WriteResult counts, List<RowChange> changes) {
    }

    /** Previews the batches with a preview writer; asserts the collections are exactly as before. */
    private static Previewed preview(String c, Schema schema, WriteSpec spec, List<Batch> batches) {
        List<String> collectionsBefore = mongo.db().listCollectionNames().into(new ArrayList<>());
        List<Document> before = snapshot(c);
        WriteResult total = WriteResult.NONE;
        List<RowChange> changes = new ArrayList<>();
        try (Destination d = open(c); DestinationWriter w = d.openPreview(schema, spec)) {
            for (Batch b : batches) {
                WritePreview p = w.preview(b);
                total = total.plus(p.counts());
                changes.addAll(p.changes());
            }
        }
        assertThat(snapshot(c)).as("the preview changed no document").isEqualTo(before);
        assertThat(mongo.db().listCollectionNames().into(new ArrayList<>())).as("no collection made or dropped")
                .containsExactlyInAnyOrderElementsOf(collectionsBefore);
        return new Previewed(total, changes);
    }

    private static WriteResult write(String c, Schema schema, WriteSpec spec, List<Batch> batches) {
        WriteResult total = WriteResult.NONE;
        try (Destination d = open(c); DestinationWriter w = d.open(schema, spec)) {
            for (Batch b : batches) total = total.plus(w.write(b));
            w.complete();
        }
        return total;
    }

    private static List<Document> snapshot(String c) {
        return mongo.db().getCollection(c).find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    /** Previews, then runs for real, and returns both counts (which must be equal). */
    private static Previewed previewThenRun(String c, Schema schema, WriteSpec spec, List<Batch> batches) {
        Previewed p = preview(c, schema, spec, batches);
        WriteResult real = write(c, schema, spec, batches);
        assertThat(p.counts()).as("preview counts = the run's counts").isEqualTo(real);
        return p;
    }

    @Test
    void previewCountsEqualTheRunsForAFirstRunAnUnchangedRerunAndAFewChanges() {
        String c = "p_upsert";
        mongo.db().getCollection(c).drop();
        WriteSpec spec = new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true);
        List<Object[]> rows = TestRows.rows(11, 120, 1);

        Previewed first = previewThenRun(c, TestRows.SCHEMA, spec, batches(TestRows.SCHEMA, rows, 50));
        assertThat(first.counts()).isEqualTo(new WriteResult(120, 0, 0));
        assertThat(first.changes()).hasSize(120).allMatch(RowChange::insert);

        Previewed again = previewThenRun(c, TestRows.SCHEMA, spec, batches(TestRows.SCHEMA, rows, 50));
        assertThat(again.counts()).isEqualTo(new WriteResult(0, 0, 120));
        assertThat(again.changes()).isEmpty();

        // three rows change one field each, two are new, and one key comes twice within a batch
        List<Object[]> next = new ArrayList<>();
        for (Object[] r : rows) next.add(r.clone());
        next.get(3)[TestRows.NAME] = "renamed";
        next.get(40)[TestRows.AMOUNT] = new BigDecimal("1.250");
        next.get(77)[TestRows.FLAG] = next.get(77)[TestRows.FLAG] == null ? Boolean.TRUE : null;
        long lastId = (long) rows.get(rows.size() - 1)[TestRows.ID];
        next.add(TestRows.row(new java.util.Random(5), lastId + 1));
        next.add(TestRows.row(new java.util.Random(6), lastId + 2));
        next.add(5, rows.get(5).clone()); // same key again, same values: the write counts the repeat as updated
        Previewed changed = previewThenRun(c, TestRows.SCHEMA, spec, batches(TestRows.SCHEMA, next, 50));
        assertThat(changed.counts()).isEqualTo(new WriteResult(2, 4, 117));
        assertThat(changed.changes()).filteredOn(RowChange::insert).extracting(r -> r.row()[TestRows.ID])
                .containsExactly(lastId + 1, lastId + 2);

        // an update's before holds the stored value where the field changes, and the incoming one elsewhere
        RowChange renamed = changed.changes().stream().filter(ch -> ch.row()[TestRows.ID].equals(rows.get(3)[TestRows.ID]))
                .findFirst().orElseThrow();
        Object[] before = renamed.before().orElseThrow();
        assertThat(before[TestRows.NAME]).isEqualTo(rows.get(3)[TestRows.NAME]);
        assertThat(before[TestRows.NAME]).isNotEqualTo("renamed");
        for (int i = 0; i < before.length; i++) {
            if (i != TestRows.NAME) assertThat(before[i]).as(TestRows.SCHEMA.column(i).name()).isSameAs(renamed.row()[i]);
        }
        RowChange amount = changed.changes().stream().filter(ch -> ch.row()[TestRows.ID].equals(rows.get(40)[TestRows.ID]))
                .findFirst().orElseThrow();
        Object oldAmount = amount.before().orElseThrow()[TestRows.AMOUNT];
        assertThat(oldAmount).isEqualTo(rows.get(40)[TestRows.AMOUNT]); // decimal128 back as the BigDecimal it was
    }

    /** Through the engine: what {@code ferry run --dry-run} reports (Previewer), then the run (Engine), same counts. */
    @Test
    void theDryRunOfASyncIntoMongoReportsWhatTheRunThenDoes() {
        String c = "p_engine";
        mongo.db().getCollection(c).drop();
        dev.ferry.testkit.FakeSource source = new dev.ferry.testkit.FakeSource().putAll(new dev.ferry.testkit.RowGenerator(9).rows(200));
        dev.ferry.core.Connectors connectors = new dev.ferry.core.Connectors()
                .add(new dev.ferry.testkit.FakeSourceFactory(source)).add(new MongoDestinationFactory());
        dev.ferry.testkit.InMemoryStateStore store = new dev.ferry.testkit.InMemoryStateStore();
        dev.ferry.core.SyncJob job = new dev.ferry.core.SyncJob("to_mongo", "fake",
                new dev.ferry.spi.ConnectorConfig("source", java.util.Map.of("type", "fake")), "mongodb", mongo.config(c), c,
                List.of(dev.ferry.testkit.FakeSchema.KEY), java.util.Optional.empty(), WriteMode.UPSERT, 64, 2,
                new dev.ferry.core.RetrySettings(java.time.Duration.ofMillis(1), 2.0, 3, 0.0, java.time.Duration.ofMillis(4)), false);
        dev.ferry.core.Previewer previewer = new dev.ferry.core.Previewer(store, connectors, java.time.Clock.systemUTC());
        dev.ferry.core.Engine engine = new dev.ferry.core.Engine(store, connectors, java.time.Clock.systemUTC());
        for (int round = 0; round < 3; round++) {
            if (round == 2) { // a few changed records and one new
                for (int i = 0; i < 3; i++) {
                    Object[] r = source.rows().get(i * 50).clone();
                    r[dev.ferry.testkit.FakeSchema.NAME] = "changed " + i;
                    source.put(r);
                }
                Object[] added = source.rows().get(0).clone();
                added[dev.ferry.testkit.FakeSchema.ID] = 1_000_000L;
                source.put(added);
            }
            List<Document> before = snapshot(c);
            dev.ferry.core.PreviewReport p = previewer.preview(job, 5);
            assertThat(snapshot(c)).as("round %d: the dry run wrote nothing", round).isEqualTo(before);
            dev.ferry.core.RunInfo run = engine.run(job, dev.ferry.core.RunListener.NONE, new dev.ferry.core.CancelToken());
            assertThat(run.status()).as(run.toString()).isEqualTo(dev.ferry.core.RunStatus.SUCCEEDED);
            assertThat(List.of(p.count("inserted"), p.count("updated"), p.count("unchanged"))).as("round %d", round)
                    .containsExactly(run.counters().inserted(), run.counters().updated(), run.counters().unchanged());
            if (round == 1) assertThat(p.count("unchanged")).isEqualTo(200);
            if (round == 2) {
                assertThat(p.count("updated")).isEqualTo(3);
                assertThat(p.samples().get("updated")).allSatisfy(s -> assertThat(s.fields()).containsOnlyKeys("name"));
            }
        }
    }

    @Test
    void aMissingCollectionPreviewsAsAllInsertsAndStaysMissing() {
        String c = "p_missing";
        mongo.db().getCollection(c).drop();
        List<Object[]> rows = new ArrayList<>(TestRows.rows(12, 10, 1));
        rows.add(rows.get(0).clone()); // a repeated key: one insert, one superseded (updated), as the write counts it
        Previewed p = preview(c, TestRows.SCHEMA, new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true),
                batches(TestRows.SCHEMA, rows, 100));
        assertThat(p.counts()).isEqualTo(new WriteResult(10, 1, 0));
        assertThat(mongo.db().listCollectionNames().into(new ArrayList<>())).doesNotContain(c);
        try (Destination d = open(c); DestinationWriter w = d.openPreview(TestRows.SCHEMA,
                new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true))) {
            assertThat(w.countRows()).hasValue(0);
            assertThat(catchThrowable(() -> w.write(batches(TestRows.SCHEMA, rows, 100).get(0))))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(write(c, TestRows.SCHEMA, new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true),
                batches(TestRows.SCHEMA, rows, 100))).isEqualTo(p.counts());
    }

    @Test
    void aCompositeKeyIsLookedUpByItsEmbeddedId() {
        String c = "p_composite";
        mongo.db().getCollection(c).drop();
        Schema s = new Schema(List.of(Column.of("region", ColumnType.STRING), Column.of("num", ColumnType.INTEGER),
                Column.of("v", ColumnType.STRING)));
        WriteSpec spec = new WriteSpec(c, List.of("region", "num"), WriteMode.UPSERT, "t", true);
        List<Object[]> rows = List.of(new Object[]{"eu", 1, "a"}, new Object[]{"eu", 2, "b"}, new Object[]{"us", 1, "c"});
        assertThat(previewThenRun(c, s, spec, batches(s, rows, 10)).counts()).isEqualTo(new WriteResult(3, 0, 0));
        List<Object[]> next = List.of(new Object[]{"eu", 1, "a"}, new Object[]{"eu", 2, "B"}, new Object[]{"us", 2, "d"});
        Previewed p = previewThenRun(c, s, spec, batches(s, next, 10));
        assertThat(p.counts()).isEqualTo(new WriteResult(1, 1, 1));
        RowChange update = p.changes().stream().filter(ch -> !ch.insert()).findFirst().orElseThrow();
        assertThat(update.before().orElseThrow()).containsExactly("eu", 2, "b");
    }

    @Test
    void everyTypeRereadsAsUnchangedAndAChangedEmbeddedDocumentIsAnUpdate() {
        String c = "p_types";
        mongo.db().getCollection(c).drop();
        Schema all = MongoWriterTest.ALL;
        Object[] row = {1L, "é😀", "long\ntext", "{\"a\": 1, \"b\": [true, null]}", "[1, 2]", true, (short) -7, 42,
                9_007_199_254_740_993L, new BigDecimal("12345678901234567890.123456789000"), 1.5f, 0.1,
                LocalDate.of(2024, 2, 29), LocalTime.of(13, 5, 0, 123_000_000), LocalDateTime.of(2024, 1, 2, 3, 4, 5, 678_000_000),
                OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)), new byte[]{0, 1, (byte) 255},
                UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")};
        Object[] nulls = new Object[all.size()];
        nulls[0] = 2L;
        WriteSpec spec = new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true);
        assertThat(previewThenRun(c, all, spec, batches(all, List.of(row, nulls), 10)).counts()).isEqualTo(new WriteResult(2, 0, 0));
        assertThat(previewThenRun(c, all, spec, batches(all, List.of(row, nulls), 10)).counts()).isEqualTo(new WriteResult(0, 0, 2));

        Object[] changed = Arrays.copyOf(row, row.length);
        changed[3] = "{\"a\": 2, \"b\": [true, null]}";
        Previewed p = previewThenRun(c, all, spec, batches(all, List.of(changed, nulls), 10));
        assertThat(p.counts()).isEqualTo(new WriteResult(0, 1, 1));
        Object[] before = p.changes().get(0).before().orElseThrow();
        assertThat(before[3]).isEqualTo(new Document("a", 1).append("b", Arrays.asList(true, null)).toJson());
        assertThat(before[12]).isSameAs(changed[12]); // unchanged date: the incoming value, so the diff omits it
    }

    @Test
    void appendPreviewsEveryRowAsAnInsert() {
        String c = "p_append";
        mongo.db().getCollection(c).drop();
        WriteSpec spec = new WriteSpec(c, List.of(), WriteMode.APPEND, "t", true);
        List<Object[]> rows = TestRows.rows(13, 30, 1);
        previewThenRun(c, TestRows.SCHEMA, spec, batches(TestRows.SCHEMA, rows, 20));
        Previewed again = previewThenRun(c, TestRows.SCHEMA, spec, batches(TestRows.SCHEMA, rows, 20));
        assertThat(again.counts()).isEqualTo(new WriteResult(30, 0, 0));
        assertThat(again.changes()).hasSize(30).allMatch(RowChange::insert);
    }

    @Test
    void replaceComparesWithTheCollectionItWouldReplaceAndKeepsAResumedCopy() {
        String c = "p_replace";
        mongo.db().getCollection(c).drop();
        mongo.db().getCollection(c + MongoWriter.NEW_SUFFIX).drop();
        List<Object[]> rows = TestRows.rows(14, 8, 1);
        write(c, TestRows.SCHEMA, new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true), batches(TestRows.SCHEMA, rows, 8));
        // a half-loaded new copy from an interrupted REPLACE pass: a fresh preview must not drop it
        mongo.db().getCollection(c + MongoWriter.NEW_SUFFIX).insertOne(new Document("_id", 1L));
        Previewed p = preview(c, TestRows.SCHEMA, new WriteSpec(c, List.of("id"), WriteMode.REPLACE, "t", true),
                batches(TestRows.SCHEMA, rows, 8));
        assertThat(p.counts()).isEqualTo(new WriteResult(0, 0, 8));
        assertThat(mongo.db().getCollection(c + MongoWriter.NEW_SUFFIX).countDocuments()).isEqualTo(1);
    }
}
