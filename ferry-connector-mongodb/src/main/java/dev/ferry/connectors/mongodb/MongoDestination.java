package dev.ferry.connectors.mongodb;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteSpec;
import org.bson.Document;
import org.bson.UuidRepresentation;

/** One MongoClient (its own pool, reconnecting by itself) for a run's writers. */
final class MongoDestination implements Destination {
    private final MongoSettings settings;
    private final MongoClient client;
    private Boolean transactions;

    MongoDestination(MongoSettings settings) {
        this.settings = settings;
        MongoClientSettings cs = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(settings.url()))
                .uuidRepresentation(UuidRepresentation.STANDARD)
                .applicationName("ferry")
                .build();
        this.client = MongoClients.create(cs);
    }

    MongoSettings settings() {
        return settings;
    }

    MongoClient client() {
        return client;
    }

    MongoDatabase database() {
        return client.getDatabase(settings.database());
    }

    /**
     * Transactions need a replica set or a sharded cluster: {@code hello} answers with a setName (or msg
     * "isdbgrid" from mongos). A standalone server (and mongo-java-server) gets plain bulk writes, which are
     * idempotent anyway because upserts are keyed.
     */
    synchronized boolean supportsTransactions() {
        if (transactions == null) {
            Document hello;
            try {
                hello = client.getDatabase("admin").runCommand(new Document("hello", 1));
            } catch (RuntimeException e) {
                if (MongoErrors.isTransient(e)) throw MongoErrors.translate(e, settings, settings.collection(), "connecting to");
                try {
                    hello = client.getDatabase("admin").runCommand(new Document("isMaster", 1));
                } catch (RuntimeException e2) {
                    throw MongoErrors.translate(e2, settings, settings.collection(), "connecting to");
                }
            }
            transactions = hello.get("setName") != null || "isdbgrid".equals(hello.get("msg"));
        }
        return transactions;
    }

    @Override
    public DestinationWriter open(Schema schema, WriteSpec spec) {
        return new MongoWriter(this, schema, spec);
    }

    /**
     * A reader that compares each batch with the collection as it is now (REPLACE too: with the collection it would
     * replace); creates nothing, writes nothing. A missing collection previews as all inserts.
     */
    @Override
    public DestinationWriter openPreview(Schema schema, WriteSpec spec) {
        return new MongoWriter(this, schema, spec, true);
    }

    @Override
    public void close() {
        client.close();
    }
}
