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
import dev.ferry.spi.Schema;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import org.bson.Document;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Writes a run's batches into one collection. UPSERT and REPLACE: one unordered bulkWrite of
 * {@code updateOne({_id}, {$set: fields}, upsert)} per batch, so an identical document is matched but not
 * modified (unchanged), a changed one modified (updated), a new one upserted (inserted). The _id is the key
 * column's value, or an embedded document {k1: …, k2: …} for a composite key; every column is also kept as a
 * field under its own name. APPEND: insertMany, Mongo assigns the _id. REPLACE loads
 * {@code <collection>__ferry_new} and renames it over the collection in {@link #complete()}.
 */
final class MongoWriter implements DestinationWriter {
    static final String NEW_SUFFIX = "__ferry_new";

    private final MongoDestination destination;
    private final MongoSettings settings;
    private final Schema schema;
    private final WriteSpec spec;
    private final String target;
    private final String writeTo;
    private final int[] keyIdx;

    MongoWriter(MongoDestination destination, Schema schema, WriteSpec spec) {
        this.destination = destination;
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
        if (spec.mode() == WriteMode.REPLACE && spec.fresh()) {
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
        // a key repeated within the batch: the last occurrence wins (an unordered bulk write has no order)
        Map<Object, Document> byId = new LinkedHashMap<>();
        for (Object[] row : batch.rows()) {
            Object id = id(row);
            byId.remove(id);
            byId.put(id, fields(row));
        }
        long superseded = batch.size() - byId.size();
        List<WriteModel<Document>> models = new ArrayList<>(byId.size());
        UpdateOptions upsert = new UpdateOptions().upsert(true);
        for (Map.Entry<Object, Document> e : byId.entrySet()) {
            Document set = e.getValue();
            set.remove("_id");
            models.add(new UpdateOneModel<>(new Document("_id", e.getKey()), new Document("$set", set), upsert));
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

    @Override
    public void close() {
        // the client belongs to the destination
    }
}
