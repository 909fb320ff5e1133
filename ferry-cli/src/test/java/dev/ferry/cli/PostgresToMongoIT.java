package dev.ferry.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.testkit.TaskDetailTable;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL → MongoDB (a real wire-protocol server, mongo-java-server) with the packaged CLI: killed with
 * SIGKILL mid-run and resumed, the collection equals the table, document for document; a re-run changes nothing.
 */
class PostgresToMongoIT {
    static final String SCHEMA = "it_cli_mongo";
    static final int ROWS = 60_000;
    static Db pg;
    static MongoServer server;
    static String url;
    static MongoClient client;

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        pg = Db.postgres();
        pg.exec("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        pg.exec(TaskDetailTable.postgres(SCHEMA, "taskdetail", ROWS));
        server = new MongoServer(new MemoryBackend());
        int port = server.bind().getPort();
        url = "mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=3000";
        client = MongoClients.create(url);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.shutdownNow();
        pg.close();
    }

    @Test
    void killedMidRunAndResumedTheCollectionEqualsTheTable() throws Exception {
        Path sync = dir.resolve("mongo.yaml");
        Files.writeString(sync, """
                name: pg-to-mongo
                source: {type: postgres, url: "jdbc:postgresql://127.0.0.1:5432/test", user: postgres, table: %s.taskdetail, key: [taskdetailkey]}
                destination: {type: mongodb, url: "%s", database: ferry_it, table: taskdetail}
                batch: {size: 2000}
                state: jdbc:h2:file:%s/state
                """.formatted(SCHEMA, url, dir));
        MongoCollection<Document> coll = client.getDatabase("ferry_it").getCollection("taskdetail");
        Process p = FerryProcess.start(dir, Map.of(), "run", sync.toString(), "--no-progress");
        long deadline = System.currentTimeMillis() + 60_000;
        // a few batches in, so a checkpoint has surely been committed (kill before the first one and the next run
        // simply starts over, which proves less)
        while (coll.countDocuments() < 6_000 && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(20);
        Thread.sleep(new Random(7).nextInt(300));
        boolean interrupted = p.isAlive();
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        FerryProcess.Result resumed = FerryProcess.run(dir, "run", sync.toString(), "--json");
        assertThat(resumed.exit()).as(resumed.all()).isZero();
        JsonNode run = JsonMapper.builder().build().readTree(resumed.out());
        if (interrupted) assertThat(run.get("resumedFrom").isNull()).as("the second run resumed the first").isFalse();
        assertThat(coll.countDocuments()).isEqualTo(ROWS);

        // document for document: every column of every row, by _id
        Map<String, Document> docs = new HashMap<>();
        for (Document d : coll.find()) docs.put(d.getString("_id"), d);
        try (Statement st = pg.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT taskdetailkey, sku, qty, status, priority, editdate FROM " + SCHEMA + ".taskdetail")) {
            int n = 0;
            while (rs.next()) {
                Document d = docs.get(rs.getString(1));
                assertThat(d).as("document %s", rs.getString(1)).isNotNull();
                assertThat(d.getString("sku")).isEqualTo(rs.getString(2));
                assertThat(((org.bson.types.Decimal128) d.get("qty")).bigDecimalValue()).isEqualByComparingTo(rs.getBigDecimal(3));
                assertThat(d.getString("status")).isEqualTo(rs.getString(4));
                assertThat(((Number) d.get("priority")).intValue()).isEqualTo(rs.getInt(5));
                assertThat(d.getDate("editdate").toInstant()).isEqualTo(rs.getTimestamp(6).toInstant());
                n++;
            }
            assertThat(n).isEqualTo(ROWS);
        }

        FerryProcess.Result again = FerryProcess.run(dir, "run", sync.toString(), "--json");
        JsonNode c = JsonMapper.builder().build().readTree(again.out()).get("counters");
        assertThat(c.get("inserted").asLong()).isZero();
        assertThat(c.get("updated").asLong()).isZero();
        assertThat(c.get("unchanged").asLong()).isEqualTo(ROWS);
    }
}
