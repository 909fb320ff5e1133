package dev.ferry.connectors.mongodb;

import com.mongodb.MongoNamespace;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.RenameCollectionOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.RecordException;
import dev.ferry.spi.RowChange;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WritePreview;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import org.bson.Document;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Writes a run's batches into one collection. UPSERT and REPLACE: one unordered bulkWrite of
 * {@code updateOne({_id}, {$set: fields}, upsert)} per batch, so an identical document is matched but not
 * modified (unchanged), a changed one modified (updated), a new one upserted (inserted). The _id is the key
 * column's value, or an embedded document {k1: …, k2: …} for a composite key; every column is also kept as a
 * field under its own name. APPEND: insertMany, Mongo assigns the _id. REPLACE loads
 * {@code <collection>__ferry_new} and renames it over the collection in {@link #complete()}. A preview writer
 * ({@link MongoDestination#openPreview}) only reads: {@link #preview}, {@link #countRows}.
 */
final class MongoWriter implements DestinationWriter {
    static final String NEW_SUFFIX = "__ferry_new";
    /** _ids per {@code $in} query of a preview: one query for a batch of the usual size, well under 16 MB. */
    static final int LOOKUP_CHUNK = 10_000;

    private final MongoDestination destination;
    private final MongoSettings settings;
    private final Schema schema;
    private final WriteSpec spec;
    private final String target;
    private final String writeTo;
    private final int[] keyIdx;
    private final boolean previewOnly;

    MongoWriter(MongoDestination destination, Schema schema, WriteSpec spec) {
        this(destination, schema, spec, false);
    }

    /** {@code previewOnly}: writes nothing, not even the drop of a previous REPLACE copy. */
    MongoWriter(MongoDestination destination, Schema schema, WriteSpec spec, boolean previewOnly) {
        this.destination = destination;
        this.previewOnly = previewOnly;
        this.settings = destination.settings();
        this.schema = schema;
        this.spec = spec;
        this.target = spec.table();
        this.writeTo = spec.mode() == WriteMode.REPLACE ? target + NEW_SUFFIX : target;
        this.keyIdx = spec.mode() == WriteMode.APPEND || spec.key().isEmpty() ? new int[0] : schema.indexesOf(spec.key());
        for (Column c : schema.columns()) {
            if (c.name().isEmpty() || c.name().startsWith("$") || c.name().contains(".") || c.name().indexOf(0) >= 0) {
                throw new SyncException("column '" + c.name() + "' cannot be a MongoDB field name (no leading $, no dots); "
                        + "rename it in the source (e.g. with a query: select \"" + c.name() + "\" as new_name …)");
            }
        }
        if (spec.mode() == WriteMode.REPLACE && spec.fresh() && !previewOnly) {
            try {
                db().getCollection(writeTo).drop();
            } catch (RuntimeException e) {
                throw MongoErrors.translate(e, settings, writeTo, "dropping the previous new copy");
            }
        }
    }

    private MongoDatabase db() {
        return destination.database();
    }

    private MongoCollection<Document> collection() {
        return db().getCollection(writeTo);
    }

    @Override
    public WriteResult write(Batch batch) {
        refuseInPreview();
        if (batch.rows().isEmpty()) return WriteResult.NONE;
        try {
            return keyIdx.length == 0 ? insert(batch) : upsert(batch);
        } catch (RuntimeException e) {
            throw MongoErrors.translate(e, settings, writeTo, "writing batch " + batch.seq() + " into");
        }
    }

    private WriteResult insert(Batch batch) {
        List<Document> docs = new ArrayList<>(batch.size());
        for (Object[] row : batch.rows()) docs.add(fields(row));
        inTransaction(session -> {
            if (session == null) collection().insertMany(docs, new InsertManyOptions().ordered(false));
            else collection().insertMany(session, docs, new InsertManyOptions().ordered(false));
            return null;
        });
        return new WriteResult(docs.size(), 0, 0);
    }

    private WriteResult upsert(Batch batch) {
        Map<Object, Object[]> byId = lastRowPerId(batch);
        long superseded = batch.size() - byId.size();
        List<WriteModel<Document>> models = new ArrayList<>(byId.size());
        UpdateOptions upsert = new UpdateOptions().upsert(true);
        for (Map.Entry<Object, Object[]> e : byId.entrySet()) {
            models.add(new UpdateOneModel<>(new Document("_id", e.getKey()), new Document("$set", setOf(e.getValue())), upsert));
        }
        BulkWriteOptions options = new BulkWriteOptions().ordered(false);
        BulkWriteResult r = inTransaction(session -> session == null
                ? collection().bulkWrite(models, options)
                : collection().bulkWrite(session, models, options));
        long inserted = r.getUpserts().size();
        long modified = r.getModifiedCount();
        long unchanged = r.getMatchedCount() - modified;
        return new WriteResult(inserted, modified + superseded, unchanged);
    }

    /** Each key's last row in the batch (an unordered bulk write has no order, so the last occurrence wins). */
    private Map<Object, Object[]> lastRowPerId(Batch batch) {
        Map<Object, Object[]> byId = new LinkedHashMap<>();
        for (Object[] row : batch.rows()) {
            Object id = id(row);
            byId.remove(id);
            byId.put(id, row);
        }
        return byId;
    }

    /** The fields an upsert {@code $set}s: every column but one named _id (the key owns it). */
    private Document setOf(Object[] row) {
        Document set = fields(row);
        set.remove("_id");
        return set;
    }

    /**
     * What {@link #write} would do, without writing: one {@code $in} query on the batch's _ids, then per key the
     * server's own rule ({@link BsonEquality#setModifies}): no document → inserted, a {@code $set} that changes a
     * field → updated, else unchanged. Repeats of a key within the batch count as updated, as in a write. REPLACE
     * compares with the collection it would replace; a missing collection finds nothing (all inserts) and stays missing.
     */
    @Override
    public WritePreview preview(Batch batch) {
        if (batch.rows().isEmpty()) return new WritePreview(WriteResult.NONE, List.of());
        if (keyIdx.length == 0) {
            List<RowChange> all = batch.rows().stream().map(r -> new RowChange(r, Optional.empty())).toList();
            return new WritePreview(new WriteResult(batch.size(), 0, 0), all);
        }
        try {
            Map<Object, Object[]> byId = lastRowPerId(batch);
            Map<ByteBuffer, Document> existing = existing(byId.keySet());
            List<RowChange> changes = new ArrayList<>();
            long inserted = 0, modified = 0;
            for (Map.Entry<Object, Object[]> e : byId.entrySet()) {
                Document old = existing.get(BsonEquality.bytes(e.getKey()));
                Object[] row = e.getValue();
                if (old == null) {
                    inserted++;
                    changes.add(new RowChange(row, Optional.empty()));
                } else if (BsonEquality.setModifies(old, setOf(row))) {
                    modified++;
                    changes.add(new RowChange(row, Optional.of(before(old, row))));
                }
            }
            long superseded = batch.size() - byId.size();
            return new WritePreview(new WriteResult(inserted, modified + superseded, byId.size() - inserted - modified), changes);
        } catch (RuntimeException e) {
            throw MongoErrors.translate(e, settings, target, "previewing batch " + batch.seq() + " against");
        }
    }

    /** The target's documents with these _ids, keyed by the _id's BSON bytes; {@value #LOOKUP_CHUNK} ids a query. */
    private Map<ByteBuffer, Document> existing(Collection<Object> ids) {
        Map<ByteBuffer, Document> out = new HashMap<>(ids.size() * 2);
        List<Object> all = new ArrayList<>(ids);
        MongoCollection<Document> coll = db().getCollection(target);
        for (int from = 0; from < all.size(); from += LOOKUP_CHUNK) {
            List<Object> chunk = all.subList(from, Math.min(all.size(), from + LOOKUP_CHUNK));
            for (Document d : coll.find(new Document("_id", new Document("$in", chunk)))) {
                out.put(BsonEquality.bytes(d.get("_id")), d);
            }
        }
        return out;
    }

    /** The document as a row for a field diff: where the $set would leave a field alone, the incoming value itself. */
    private Object[] before(Document old, Object[] row) {
        Object[] before = new Object[schema.size()];
        for (int i = 0; i < schema.size(); i++) {
            Column c = schema.column(i);
            boolean same = old.containsKey(c.name()) && BsonEquality.same(old.get(c.name()), MongoValues.toBson(c, row[i]));
            before[i] = same || c.name().equals("_id") ? row[i] : MongoValues.forDisplay(c, old.get(c.name()));
        }
        return before;
    }

    private interface SessionWork<T> {
        T run(ClientSession session);
    }

    /** One transaction when the server has them (replica set, mongos); a plain call otherwise (session null). */
    private <T> T inTransaction(SessionWork<T> work) {
        if (!destination.supportsTransactions()) return work.run(null);
        try (ClientSession session = destination.client().startSession()) {
            session.startTransaction();
            T result = work.run(session);
            session.commitTransaction();
            return result;
        }
    }

    private Object id(Object[] row) {
        if (keyIdx.length == 1) {
            Object v = MongoValues.toBson(schema.column(keyIdx[0]), row[keyIdx[0]]);
            if (v == null) throw new RecordException("key column " + schema.column(keyIdx[0]).name() + " is null", null);
            return v;
        }
        Document id = new Document();
        for (int i : keyIdx) {
            Object v = MongoValues.toBson(schema.column(i), row[i]);
            if (v == null) throw new RecordException("key column " + schema.column(i).name() + " is null", null);
            id.append(schema.column(i).name(), v);
        }
        return id;
    }

    private Document fields(Object[] row) {
        Document d = new Document();
        for (int i = 0; i < schema.size(); i++) {
            Column c = schema.column(i);
            d.append(c.name(), MongoValues.toBson(c, row[i]));
        }
        return d;
    }

    @Override
    public OptionalLong countRows() {
        try {
            return OptionalLong.of(db().getCollection(target).countDocuments());
        } catch (RuntimeException e) {
            throw MongoErrors.translate(e, settings, target, "counting documents in");
        }
    }

    @Override
    public void complete() {
        refuseInPreview();
        if (spec.mode() != WriteMode.REPLACE) return;
        try {
            boolean exists = false;
            for (String name : db().listCollectionNames()) {
                if (name.equals(writeTo)) {
                    exists = true;
                    break;
                }
            }
            if (!exists) db().createCollection(writeTo); // an empty source replaces with an empty collection
            collection().renameCollection(new MongoNamespace(settings.database(), target),
                    new RenameCollectionOptions().dropTarget(true));
        } catch (RuntimeException e) {
            throw MongoErrors.translate(e, settings, writeTo, "renaming the new copy over " + target + " from");
        }
    }

    private void refuseInPreview() {
        if (previewOnly) throw new IllegalStateException("a preview of " + settings.database() + "." + target + " does not write");
    }

    @Override
    public void close() {
        // the client belongs to the destination
    }
}
