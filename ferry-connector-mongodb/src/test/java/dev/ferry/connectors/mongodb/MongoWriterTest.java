package dev.ferry.connectors.mongodb;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.result.UpdateResult;
import dev.ferry.core.ErrorClassifier;
import dev.ferry.core.ErrorKind;
import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.RecordException;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.TestRows;
import org.bson.BsonBinarySubType;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class MongoWriterTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TestMongo mongo = new TestMongo();

    private static Destination open(String collection) {
        return new MongoDestinationFactory().open(mongo.config(collection));
    }

    private static Batch batch(Schema schema, List<Object[]> rows) {
        return new Batch(0, schema, rows, "p", 0);
    }

    @Test
    void isFoundByServiceLoaderAsMongodb() {
        assertThat(ServiceLoader.load(DestinationFactory.class).stream().map(ServiceLoader.Provider::get)
                .anyMatch(f -> f.types().contains("mongodb"))).isTrue();
    }

    @Test
    void anIdenticalRewriteIsUnchangedAndModifiesNothing() {
        String c = "w_unchanged";
        mongo.db().getCollection(c).drop();
        List<Object[]> rows = TestRows.rows(7, 20, 1);
        try (Destination d = open(c); DestinationWriter w = d.open(TestRows.SCHEMA,
                new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true))) {
            assertThat(w.write(batch(TestRows.SCHEMA, rows))).isEqualTo(new WriteResult(20, 0, 0));
            Document first = mongo.db().getCollection(c).find(new Document("_id", rows.get(0)[TestRows.ID])).first();
            assertThat(first).isNotNull();
            assertThat(w.write(batch(TestRows.SCHEMA, rows))).isEqualTo(new WriteResult(0, 0, 20));
            assertThat(mongo.db().getCollection(c).find(new Document("_id", rows.get(0)[TestRows.ID])).first()).isEqualTo(first);
            // the server agrees that an identical $set modifies nothing (what the writer's unchanged count rests on)
            Document set = new Document(first);
            set.remove("_id");
            UpdateResult r = mongo.db().getCollection(c).updateOne(new Document("_id", first.get("_id")),
                    new Document("$set", set), new UpdateOptions().upsert(true));
            assertThat(r.getMatchedCount()).isEqualTo(1);
            assertThat(r.getModifiedCount()).isZero();
            assertThat(w.countRows()).hasValue(20);
        }
    }

    @Test
    void aCompositeKeyBecomesAnEmbeddedIdDocument() {
        String c = "w_composite";
        mongo.db().getCollection(c).drop();
        Schema s = new Schema(List.of(Column.of("region", ColumnType.STRING), Column.of("num", ColumnType.INTEGER),
                Column.of("v", ColumnType.STRING)));
        try (Destination d = open(c); DestinationWriter w = d.open(s,
                new WriteSpec(c, List.of("region", "num"), WriteMode.UPSERT, "t", true))) {
            List<Object[]> rows = List.of(new Object[]{"eu", 1, "a"}, new Object[]{"eu", 2, "b"}, new Object[]{"us", 1, "c"});
            assertThat(w.write(batch(s, rows))).isEqualTo(new WriteResult(3, 0, 0));
            Document doc = mongo.db().getCollection(c).find(new Document("_id", new Document("region", "us").append("num", 1))).first();
            assertThat(doc).isNotNull();
            assertThat(doc.get("v")).isEqualTo("c");
            assertThat(doc.get("_id", Document.class)).containsEntry("region", "us").containsEntry("num", 1);
            List<Object[]> next = List.of(new Object[]{"eu", 1, "a"}, new Object[]{"eu", 2, "B"}, new Object[]{"us", 2, "d"});
            assertThat(w.write(batch(s, next))).isEqualTo(new WriteResult(1, 1, 1));
            assertThat(mongo.db().getCollection(c).countDocuments()).isEqualTo(4);
        }
    }

    @Test
    void replaceSwapsTheNewCopyInAndAnEmptyPassLeavesAnEmptyCollection() {
        String c = "w_replace";
        mongo.db().getCollection(c).drop();
        List<Object> ids = new ArrayList<>();
        try (Destination d = open(c)) {
            try (DestinationWriter w = d.open(TestRows.SCHEMA, new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true))) {
                w.write(batch(TestRows.SCHEMA, TestRows.rows(3, 5, 1)));
            }
            try (DestinationWriter w = d.open(TestRows.SCHEMA, new WriteSpec(c, List.of("id"), WriteMode.REPLACE, "t", true))) {
                List<Object[]> fresh = TestRows.rows(4, 3, 100);
                ids.addAll(fresh.stream().map(r -> r[TestRows.ID]).toList());
                w.write(batch(TestRows.SCHEMA, fresh));
                assertThat(w.countRows()).hasValue(5);
                w.complete();
                assertThat(w.countRows()).hasValue(3);
            }
            assertThat(mongo.db().listCollectionNames().into(new ArrayList<>())).contains(c).doesNotContain(c + "__ferry_new");
            assertThat(mongo.readBack(c)).extracting(r -> r[TestRows.ID]).containsExactlyElementsOf(ids);
            try (DestinationWriter w = d.open(TestRows.SCHEMA, new WriteSpec(c, List.of("id"), WriteMode.REPLACE, "t", true))) {
                w.complete();
            }
            assertThat(mongo.db().getCollection(c).countDocuments()).isZero();
        }
    }

    static final Schema ALL = new Schema(List.of(
            Column.of("id", ColumnType.BIGINT), Column.of("s", ColumnType.STRING), Column.of("t", ColumnType.TEXT),
            Column.of("j", ColumnType.JSON), Column.of("ja", ColumnType.JSON), Column.of("b", ColumnType.BOOLEAN),
            Column.of("sm", ColumnType.SMALLINT), Column.of("i", ColumnType.INTEGER), Column.of("bi", ColumnType.BIGINT),
            Column.of("dec", ColumnType.DECIMAL), Column.of("r", ColumnType.REAL), Column.of("dbl", ColumnType.DOUBLE),
            Column.of("d", ColumnType.DATE), Column.of("tm", ColumnType.TIME), Column.of("ts", ColumnType.TIMESTAMP),
            Column.of("tz", ColumnType.TIMESTAMPTZ), Column.of("by", ColumnType.BYTES), Column.of("u", ColumnType.UUID)));

    @Test
    void everyTypeMapsToItsBsonTypeExactly() {
        String c = "w_types";
        mongo.db().getCollection(c).drop();
        UUID uuid = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        Object[] row = {1L, "é😀", "long\ntext", "{\"a\": 1, \"b\": [true, null]}", "[1, 2]", true, (short) -7, 42,
                9_007_199_254_740_993L, new BigDecimal("12345678901234567890.123456789000"), 1.5f, 0.1,
                LocalDate.of(2024, 2, 29), LocalTime.of(13, 5, 0, 123_000_000), LocalDateTime.of(2024, 1, 2, 3, 4, 5, 678_000_000),
                OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)), new byte[]{0, 1, (byte) 255}, uuid};
        Object[] nulls = new Object[ALL.size()];
        nulls[0] = 2L;
        try (Destination d = open(c); DestinationWriter w = d.open(ALL, new WriteSpec(c, List.of("id"), WriteMode.UPSERT, "t", true))) {
            assertThat(w.write(batch(ALL, List.of(row, nulls)))).isEqualTo(new WriteResult(2, 0, 0));
            assertThat(w.write(batch(ALL, List.of(row, nulls)))).isEqualTo(new WriteResult(0, 0, 2));
        }
        Document doc = mongo.db().getCollection(c).find(new Document("_id", 1L)).first();
        assertThat(doc).isNotNull();
        assertThat(doc.get("s")).isEqualTo("é😀");
        assertThat(doc.get("t")).isEqualTo("long\ntext");
        assertThat(doc.get("j")).isInstanceOf(Document.class);
        assertThat(doc.get("j", Document.class).get("a")).isEqualTo(1);
        assertThat(doc.get("ja")).isEqualTo("[1, 2]");
        assertThat(doc.get("b")).isEqualTo(true);
        assertThat(doc.get("sm")).isEqualTo(-7);
        assertThat(doc.get("i")).isEqualTo(42);
        assertThat(doc.get("bi")).isEqualTo(9_007_199_254_740_993L);
        assertThat(doc.get("dec")).isInstanceOf(Decimal128.class);
        assertThat(((Decimal128) doc.get("dec")).bigDecimalValue()).isEqualTo(new BigDecimal("12345678901234567890.123456789000"));
        assertThat(doc.get("r")).isEqualTo(1.5);
        assertThat(doc.get("dbl")).isEqualTo(0.1);
        assertThat(doc.get("d")).isEqualTo(Date.from(Instant.parse("2024-02-29T00:00:00Z")));
        assertThat(doc.get("tm")).isEqualTo("13:05:00.123");
        assertThat(doc.get("ts")).isEqualTo(Date.from(Instant.parse("2024-01-02T03:04:05.678Z")));
        assertThat(doc.get("tz")).isEqualTo(Date.from(Instant.parse("2024-01-02T01:04:05Z")));
        assertThat(((Binary) doc.get("by")).getData()).containsExactly(0, 1, 255);
        Object u = doc.get("u");
        // stored as binary subtype 4 (standard); a client with uuidRepresentation=standard reads it back as a UUID
        if (u instanceof Binary bin) {
            assertThat(bin.getType()).isEqualTo(BsonBinarySubType.UUID_STANDARD.getValue());
            assertThat(bin.getData()).hasSize(16);
            assertThat(bin.getData()[0]).isEqualTo((byte) 0x0f);
        } else {
            assertThat(u).isEqualTo(uuid);
        }
        Document empty = mongo.db().getCollection(c).find(new Document("_id", 2L)).first();
        assertThat(empty).isNotNull();
        for (Column col : ALL.columns()) {
            if (!col.name().equals("id")) assertThat(empty).as(col.name()).containsEntry(col.name(), null);
        }
    }

    @Test
    void aDecimalBeyondDecimal128IsARecordErrorNotARoundedValue() {
        Schema s = new Schema(List.of(Column.of("id", ColumnType.BIGINT), Column.of("dec", ColumnType.DECIMAL)));
        Throwable e = catchThrowable(() -> MongoValues.toBson(s.column(1), new BigDecimal("0.12345678901234567890123456789012345678")));
        assertThat(e).isInstanceOf(RecordException.class).hasMessageContaining("decimal128");
        assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.RECORD);
    }

    @Test
    void aDuplicateKeyOnAppendIntoAUniqueIndexIsARecordError() {
        String c = "w_append_unique";
        mongo.db().getCollection(c).drop();
        mongo.db().getCollection(c).createIndex(new Document("id", 1), new IndexOptions().unique(true));
        List<Object[]> rows = TestRows.rows(9, 4, 1);
        try (Destination d = open(c); DestinationWriter w = d.open(TestRows.SCHEMA, new WriteSpec(c, List.of("id"), WriteMode.APPEND, "t", true))) {
            assertThat(w.write(batch(TestRows.SCHEMA, rows))).isEqualTo(new WriteResult(4, 0, 0));
            Throwable e = catchThrowable(() -> w.write(batch(TestRows.SCHEMA, rows.subList(0, 1))));
            assertThat(e).isInstanceOf(RecordException.class).hasMessageContaining(TestMongo.DB + "." + c);
            assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.RECORD);
        }
    }

    @Test
    void aStoppedServerIsRetriableAndTheMessageHidesTheCredentials() {
        TestMongo own = new TestMongo();
        String url = own.url.replace("mongodb://", "mongodb://alice:s3cret@");
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>(own.config("gone").values());
        v.put("url", url);
        try (Destination d = new MongoDestinationFactory().open(new dev.ferry.spi.ConnectorConfig("destination", v))) {
            own.close(); // the server goes away before the first write
            Throwable e = catchThrowable(() -> {
                try (DestinationWriter w = d.open(TestRows.SCHEMA, new WriteSpec("gone", List.of("id"), WriteMode.UPSERT, "t", true))) {
                    w.write(batch(TestRows.SCHEMA, TestRows.rows(1, 2, 1)));
                }
            });
            assertThat(e).isInstanceOf(RetriableSyncException.class);
            assertThat(ErrorClassifier.classify(e)).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(e.getMessage()).contains(TestMongo.DB + ".gone").doesNotContain("s3cret").doesNotContain("alice");
            assertThat(ErrorClassifier.describe(e)).doesNotContain("s3cret");
        }
    }

    @Test
    void aWriteAfterTheServerStopsMidRunIsRetriable() {
        TestMongo own = new TestMongo();
        try (Destination d = new MongoDestinationFactory().open(own.config("mid"));
             DestinationWriter w = d.open(TestRows.SCHEMA, new WriteSpec("mid", List.of("id"), WriteMode.UPSERT, "t", true))) {
            assertThat(w.write(batch(TestRows.SCHEMA, TestRows.rows(1, 2, 1))).inserted()).isEqualTo(2);
            own.close();
            Throwable e = catchThrowable(() -> w.write(batch(TestRows.SCHEMA, TestRows.rows(2, 2, 10))));
            assertThat(ErrorClassifier.classify(e)).as(String.valueOf(e)).isEqualTo(ErrorKind.TRANSIENT);
        }
    }
}
