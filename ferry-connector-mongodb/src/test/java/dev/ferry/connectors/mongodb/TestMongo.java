package dev.ferry.connectors.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.testkit.TestRows;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;

import java.net.InetSocketAddress;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory mongo-java-server on a random loopback port, and a plain client to inspect what was written. As a
 * JUnit extension ({@code @RegisterExtension static final TestMongo mongo = new TestMongo();}) it stops after the class.
 */
final class TestMongo implements AutoCloseable, org.junit.jupiter.api.extension.AfterAllCallback {
    static final String DB = "ferry_test";
    final MongoServer server;
    final String url;
    final MongoClient client;

    TestMongo() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress a = server.bind();
        url = "mongodb://127.0.0.1:" + a.getPort() + "/?serverSelectionTimeoutMS=2000&connectTimeoutMS=2000";
        client = MongoClients.create(url);
    }

    @Override
    public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) {
        close();
    }

    MongoDatabase db() {
        return client.getDatabase(DB);
    }

    ConnectorConfig config(String collection) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", "mongodb");
        v.put("url", url);
        v.put("database", DB);
        v.put("table", collection);
        return new ConnectorConfig("destination", v);
    }

    /** Documents as rows of TestRows.SCHEMA, ordered by the id field. */
    List<Object[]> readBack(String collection) {
        List<Object[]> out = new ArrayList<>();
        for (Document d : db().getCollection(collection).find().sort(new Document("id", 1))) {
            Object[] row = new Object[7];
            row[TestRows.ID] = d.get("id");
            row[TestRows.NAME] = d.get("name");
            row[TestRows.AMOUNT] = d.get("amount") instanceof Decimal128 dec ? dec.bigDecimalValue() : d.get("amount");
            row[TestRows.CREATED] = d.get("created") instanceof Date date ? OffsetDateTime.ofInstant(date.toInstant(), ZoneOffset.UTC) : d.get("created");
            row[TestRows.FLAG] = d.get("flag");
            row[TestRows.NOTE] = d.get("note");
            row[TestRows.DATA] = d.get("data") instanceof Binary b ? b.getData() : d.get("data");
            out.add(row);
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
