package dev.ferry.cli;

import dev.ferry.core.CancelToken;
import dev.ferry.core.Connectors;
import dev.ferry.core.PreviewReport;
import dev.ferry.core.RunInfo;
import dev.ferry.core.RunListener;
import dev.ferry.core.RunStatus;
import dev.ferry.core.bidi.BidiEngine;
import dev.ferry.core.bidi.BidiJob;
import dev.ferry.core.bidi.BidiStore;
import dev.ferry.core.bidi.Conflict;
import dev.ferry.core.config.SyncFileLoader;
import dev.ferry.store.JdbcStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bidirectional runs between two embedded H2 databases, through the real JDBC connectors and the JDBC state store:
 * three-way detection, every strategy with two edits, the manual queue, deletions, cursors, and no ping-pong.
 */
class BidiH2Test {
    String urlA, urlB, state;
    Connection a, b;
    JdbcStateStore store;
    final Connectors connectors = Connectors.load();

    @BeforeEach
    void open() throws SQLException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        urlA = "jdbc:h2:mem:bd_a_" + id + ";DB_CLOSE_DELAY=-1";
        urlB = "jdbc:h2:mem:bd_b_" + id + ";DB_CLOSE_DELAY=-1";
        state = "jdbc:h2:mem:bd_state_" + id + ";DB_CLOSE_DELAY=-1";
        a = DriverManager.getConnection(urlA);
        b = DriverManager.getConnection(urlB);
        for (Connection c : List.of(a, b)) {
            exec(c, "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT, tags VARCHAR(200), price DECIMAL(10,2), "
                    + "modified TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)");
        }
        store = JdbcStateStore.open(state);
    }

    @AfterEach
    void close() throws SQLException {
        store.close();
        for (Connection c : List.of(a, b)) {
            exec(c, "DROP ALL OBJECTS");
            c.close();
        }
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    BidiJob job(String extra) {
        String yaml = """
                name: items-ab
                direction: bidirectional
                a:
                  type: h2
                  url: %s
                  table: items
                  key: [id]
                  modifiedAt: modified
                b:
                  type: h2
                  url: %s
                  table: items
                  key: [id]
                  modifiedAt: modified
                batch:
                  size: 37
                %s
                """.formatted(urlA, urlB, extra);
        return new SyncFileLoader(connectors, k -> null).parse(yaml, Path.of("."), "test.yaml").bidi().orElseThrow();
    }

    RunInfo run(BidiJob job) {
        RunInfo r = new BidiEngine(store, connectors, Clock.systemUTC()).run(job, RunListener.NONE, new CancelToken());
        assertThat(r.status()).as("%s", r).isEqualTo(RunStatus.SUCCEEDED);
        return r;
    }

    static long stat(RunInfo r, String k) {
        return ((Number) r.stats().get(k)).longValue();
    }

    BidiStore bidi() {
        return store.bidi().orElseThrow();
    }

    static List<List<String>> rows(Connection c) throws SQLException {
        return Rows.read(c, "SELECT id, name, qty, tags, price FROM items ORDER BY id");
    }

    List<String> row(Connection c, long id) throws SQLException {
        List<List<String>> r = Rows.read(c, "SELECT id, name, qty, tags, price FROM items WHERE id = " + id);
        return r.isEmpty() ? null : r.get(0);
    }

    void seed(int n) throws SQLException {
        exec(a, "INSERT INTO items (id, name, qty, tags, price) SELECT x, 'item ' || x, x % 7, 'red,blue', x * 1.5 FROM SYSTEM_RANGE(1, " + n + ")");
    }

    void assertSidesEqualAndQuiet(BidiJob job) throws SQLException {
        assertThat(rows(b)).isEqualTo(rows(a));
        RunInfo again = run(job);
        assertThat(stat(again, "a_to_b") + stat(again, "b_to_a")).as("second run writes nothing: %s", again.stats()).isZero();
        assertThat(stat(again, "conflicts")).isZero();
        assertThat(rows(b)).isEqualTo(rows(a));
    }

    @Test
    void firstRunCopiesBothWaysAndTheSecondWritesNothing() throws SQLException {
        seed(100);
        exec(b, "INSERT INTO items (id, name, qty) VALUES (1000, 'only on b', 1)");
        RunInfo r = run(job(""));
        assertThat(stat(r, "a_to_b")).isEqualTo(100);
        assertThat(stat(r, "b_to_a")).isEqualTo(1);
        assertThat(bidi().baseSize("items-ab")).isEqualTo(101);
        assertSidesEqualAndQuiet(job(""));
    }

    /** A first run over more records than the heap limits: what the reads keep goes to a temporary file, same result. */
    @Test
    void recordsBeyondTheHeapLimitsSpillToAFileWithTheSameResult() throws SQLException {
        System.setProperty("ferry.bidi.heapRecords", "10");
        System.setProperty("ferry.bidi.heapKeys", "10");
        try {
            seed(300);
            // 200..300 on both with other values (conflicts, a wins), 301..400 only on b
            exec(b, "INSERT INTO items (id, name, qty) SELECT x, 'b ' || x, 1 FROM SYSTEM_RANGE(200, 400)");
            BidiJob job = job("conflicts: a_wins\ndeletions: propagate");
            RunInfo first = run(job);
            assertThat(stat(first, "a_to_b")).isEqualTo(300);
            assertThat(stat(first, "b_to_a")).isEqualTo(100);
            assertThat(stat(first, "conflicts")).isPositive();
            assertThat(row(b, 250)).containsExactly("250", "item 250", "5", "red,blue", "375");
            assertThat(rows(b)).isEqualTo(rows(a)).hasSize(400);

            exec(b, "DELETE FROM items WHERE MOD(id, 10) = 0"); // found through the spilled set of b's keys
            exec(a, "UPDATE items SET name = 'edited' WHERE id = 7");
            RunInfo second = run(job);
            assertThat(stat(second, "deleted")).isEqualTo(40);
            assertThat(stat(second, "a_to_b")).isEqualTo(1);
            assertThat(bidi().baseSize("items-ab")).isEqualTo(360);
            assertSidesEqualAndQuiet(job);
        } finally {
            System.clearProperty("ferry.bidi.heapRecords");
            System.clearProperty("ferry.bidi.heapKeys");
        }
    }

    /** Random edits on both sides (several seeds): disjoint fields merge, same-field edits conflict, a wins them. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomEditsConvergeUnderAWins(long seed) throws SQLException {
        seed(200);
        BidiJob job = job("conflicts: a_wins");
        run(job);
        Random rnd = new Random(seed);
        int sameField = 0;
        for (int i = 0; i < 40; i++) {
            long id = 1 + rnd.nextInt(200);
            boolean onA = rnd.nextBoolean();
            String col = rnd.nextBoolean() ? "name" : "qty";
            String v = col.equals("name") ? "'" + (onA ? "A" : "B") + i + "'" : String.valueOf(1000 + i);
            exec(onA ? a : b, "UPDATE items SET " + col + " = " + v + " WHERE id = " + id);
        }
        exec(a, "UPDATE items SET name = 'both-a' WHERE id = 7");
        exec(b, "UPDATE items SET name = 'both-b' WHERE id = 7");
        exec(a, "UPDATE items SET qty = 555 WHERE id = 8");
        exec(b, "UPDATE items SET name = 'b-name' WHERE id = 8");
        exec(a, "INSERT INTO items (id, name) VALUES (5001, 'new on a')");
        exec(b, "INSERT INTO items (id, name) VALUES (5002, 'new on b')");
        RunInfo r = run(job);
        assertThat(row(a, 7).get(1)).isEqualTo("both-a");
        assertThat(row(b, 8)).containsExactly("8", "b-name", "555", "red,blue", "12");
        assertThat(row(b, 5001)).isNotNull();
        assertThat(row(a, 5002)).isNotNull();
        assertThat(stat(r, "conflicts")).isGreaterThanOrEqualTo(1).isEqualTo(stat(r, "auto_resolved"));
        assertSidesEqualAndQuiet(job);
    }

    /** Each strategy with the same two edits: a sets name 'from a' (later), b sets it to 'from b' (earlier). */
    @Test
    void everyStrategyResolvesTwoEditsOfOneField() throws SQLException {
        Map<String, String> expected = Map.of(
                "conflicts: a_wins", "from a",
                "conflicts: b_wins", "from b",
                "conflicts: newest_wins", "from a",
                "conflicts: {strategy: newest_wins, ties: b}", "from a",
                "conflicts: {strategy: field_owner, owners: {name: b}}", "from b",
                "conflicts: {strategy: merge, merge: {text: longest}}", "from a!!",
                "conflicts: {strategy: merge, merge: {text: concat}}", "from a!! | from b");
        for (var e : expected.entrySet()) {
            exec(a, "DELETE FROM items");
            exec(b, "DELETE FROM items");
            bidi().dropSync("items-ab");
            seed(3);
            BidiJob job = job(e.getKey());
            run(job);
            exec(b, "UPDATE items SET name = 'from b', modified = TIMESTAMP '2030-01-01 00:00:00' WHERE id = 2");
            exec(a, "UPDATE items SET name = 'from a!!', modified = TIMESTAMP '2030-01-02 00:00:00' WHERE id = 2");
            RunInfo r = run(job);
            assertThat(row(a, 2).get(1)).as(e.getKey()).isEqualTo(e.getValue().equals("from a") ? "from a!!" : e.getValue());
            assertThat(row(b, 2)).as(e.getKey()).isEqualTo(row(a, 2));
            assertThat(stat(r, "auto_resolved")).as(e.getKey()).isEqualTo(1);
            Conflict c = bidi().conflicts(Optional.of("items-ab"), Optional.empty(), 1).get(0);
            assertThat(c.field()).isEqualToIgnoringCase("name");
            assertThat(c.base()).contains("item 2");
            assertThat(c.aValue()).contains("from a!!");
            assertThat(c.bValue()).contains("from b");
            assertThat(c.resolvedBy()).get().asString().startsWith("rule:");
        }
    }

    @Test
    void mergeUnitesSetsAndAddsNumberChanges() throws SQLException {
        seed(2);
        BidiJob job = job("conflicts: {strategy: merge, merge: {numbers: sum_of_changes, sets: [tags]}}");
        run(job);
        exec(a, "UPDATE items SET tags = 'red,blue,green', qty = qty + 5 WHERE id = 1");
        exec(b, "UPDATE items SET tags = 'blue,yellow', qty = qty + 2 WHERE id = 1");
        run(job);
        assertThat(row(a, 1)).containsExactly("1", "item 1", "8", "blue,green,yellow", "1.5");
        assertSidesEqualAndQuiet(job);
    }

    @Test
    void manualConflictWaitsOtherFieldsSyncAndTheResolutionIsAppliedNextRun() throws SQLException {
        seed(3);
        BidiJob job = job("conflicts: {strategy: a_wins, fields: {name: manual}}");
        run(job);
        exec(a, "UPDATE items SET name = 'a says', qty = 40 WHERE id = 3");
        exec(b, "UPDATE items SET name = 'b says', price = 9.99 WHERE id = 3");
        RunInfo r = run(job);
        assertThat(stat(r, "pending_manual")).isEqualTo(1);
        assertThat(row(a, 3)).containsExactly("3", "a says", "40", "red,blue", "9.99");
        assertThat(row(b, 3)).containsExactly("3", "b says", "40", "red,blue", "9.99");
        List<Conflict> pending = bidi().conflicts(Optional.of("items-ab"), Optional.of(Conflict.Status.PENDING), 10);
        assertThat(pending).hasSize(1);
        // a run with no edits keeps waiting, writes nothing, and does not queue it twice
        RunInfo quiet = run(job);
        assertThat(stat(quiet, "a_to_b") + stat(quiet, "b_to_a")).isZero();
        assertThat(bidi().conflicts(Optional.of("items-ab"), Optional.of(Conflict.Status.PENDING), 10)).hasSize(1);

        bidi().resolve(pending.get(0).id(), Optional.of("agreed"), "user:test", java.time.Instant.now());
        RunInfo applied = run(job);
        assertThat(stat(applied, "a_to_b")).isEqualTo(1);
        assertThat(stat(applied, "b_to_a")).isEqualTo(1);
        assertThat(row(a, 3).get(1)).isEqualTo("agreed");
        assertThat(bidi().conflict(pending.get(0).id()).orElseThrow().status()).isEqualTo(Conflict.Status.APPLIED);
        assertSidesEqualAndQuiet(job);
    }

    @Test
    void deletionsAreReportedPropagatedOrRestored() throws SQLException {
        seed(5);
        run(job(""));
        exec(a, "DELETE FROM items WHERE id = 1");
        RunInfo report = run(job(""));
        assertThat(stat(report, "deleted")).isEqualTo(1);
        assertThat(row(b, 1)).isNotNull();

        run(job("deletions: restore"));
        assertThat(row(a, 1)).isEqualTo(row(b, 1));

        exec(b, "DELETE FROM items WHERE id = 2");
        exec(a, "DELETE FROM items WHERE id = 3");
        exec(b, "UPDATE items SET name = 'edited' WHERE id = 3"); // an edit beats a deletion
        RunInfo p = run(job("deletions: propagate"));
        assertThat(row(a, 2)).isNull();
        assertThat(row(a, 3)).containsExactly("3", "edited", "3", "red,blue", "4.5");
        assertThat(stat(p, "deleted")).isEqualTo(2);
        assertThat(bidi().baseSize("items-ab")).isEqualTo(4);
        assertSidesEqualAndQuiet(job("deletions: propagate"));
    }

    /** Cursors on both sides; Ferry's own writes bump b's modified column (ON UPDATE), and still do not come back. */
    @Test
    void incrementalReadsPastEachSidesCursorWithoutPingPong() throws SQLException {
        seed(50);
        String extra = "";
        BidiJob job = job(extra);
        job = new BidiJob(job.name(), cursor(job.a()), cursor(job.b()), job.exclude(), job.conflicts(), job.deletions(),
                job.batchSize(), job.readAhead(), job.retry(), false, Optional.empty());
        run(job);
        assertThat(bidi().cursors("items-ab")).containsKey("a"); // b was empty: it has no high-water mark yet
        exec(a, "UPDATE items SET qty = 99, modified = TIMESTAMP '2031-01-01 00:00:00' WHERE id = 10");
        exec(b, "UPDATE items SET name = 'b edit', modified = TIMESTAMP '2031-01-01 00:00:00' WHERE id = 11");
        RunInfo r = run(job);
        assertThat(stat(r, "read_a")).isLessThan(50);
        assertThat(stat(r, "a_to_b")).isEqualTo(1);
        assertThat(stat(r, "b_to_a")).isEqualTo(1);
        assertThat(rows(b)).isEqualTo(rows(a));
        for (int i = 0; i < 2; i++) {
            RunInfo q = run(job);
            assertThat(stat(q, "a_to_b") + stat(q, "b_to_a")).isZero();
        }
        PreviewReport p = new BidiEngine(store, connectors, Clock.systemUTC()).preview(job, 3);
        assertThat(p.count("a_to_b") + p.count("b_to_a")).isZero();
    }

    static BidiJob.Side cursor(BidiJob.Side s) {
        return new BidiJob.Side(s.id(), s.type(), s.source(), s.destination(), s.table(), s.key(), Optional.of("modified"), s.modifiedAt());
    }

    @Test
    void previewWritesNothingAndAgreesWithTheRun() throws SQLException {
        seed(20);
        BidiJob job = job("conflicts: manual");
        run(job);
        exec(a, "UPDATE items SET name = 'x' WHERE id IN (1, 2)");
        exec(b, "UPDATE items SET name = 'y' WHERE id = 2");
        exec(b, "UPDATE items SET qty = 0 WHERE id = 3");
        List<List<String>> beforeA = rows(a), beforeB = rows(b);
        List<Conflict> conflictsBefore = bidi().conflicts(Optional.empty(), Optional.empty(), 100);
        long runs = store.history(Optional.empty(), 100).size();
        PreviewReport p = new BidiEngine(store, connectors, Clock.systemUTC()).preview(job, 5);
        assertThat(rows(a)).isEqualTo(beforeA);
        assertThat(rows(b)).isEqualTo(beforeB);
        assertThat(bidi().conflicts(Optional.empty(), Optional.empty(), 100)).isEqualTo(conflictsBefore);
        assertThat(store.history(Optional.empty(), 100)).hasSize((int) runs);
        RunInfo r = run(job);
        for (String k : BidiEngine.COUNTERS) assertThat(p.count(k)).as(k).isEqualTo(stat(r, k));
        assertThat(p.samples().get("a_to_b")).extracting(PreviewReport.Sample::key).containsExactly("1");
        assertThat(p.samples().get("conflicts")).extracting(PreviewReport.Sample::key).containsExactly("2");
    }

    /**
     * A run that dies after writing b and before writing a (side a's writer fails at a chosen step), or after journalling
     * a step's decisions and before writing b (b's writer fails; odd seeds), then a re-run: both
     * sides and the conflicts on record end as after one uninterrupted run. Merge rules that are not idempotent
     * (sum_of_changes, concat, set union) would count b's written value as a second edit if the re-run decided
     * again; the journalled decision is applied instead.
     */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22})
    void aCrashBetweenWritingBAndAConvergesToTheUninterruptedRun(long seed) throws SQLException {
        String policy = "conflicts: {strategy: merge, fields: {name: merge}, merge: {numbers: sum_of_changes, text: concat, sets: [tags]}}";
        BidiJob job = job(policy);
        seed(300);
        run(job);
        edits(seed);
        run(job);
        List<List<String>> refA = rows(a), refB = rows(b);
        assertThat(refB).isEqualTo(refA);
        List<String> refConflicts = conflictsOnRecord();
        assertThat(refConflicts).hasSizeGreaterThan(5);

        exec(a, "DELETE FROM items");
        exec(b, "DELETE FROM items");
        bidi().dropSync("items-ab");
        seed(300);
        run(job);
        edits(seed);
        int failAt = 1 + new Random(seed).nextInt(3);
        boolean betweenSides = seed % 2 == 0;
        Connectors crashing = Connectors.load().add(new FailingAfterWrites(connectors.requireDestination("h2"), betweenSides ? urlA : urlB, failAt));
        RunInfo crashed = new BidiEngine(store, crashing, Clock.systemUTC()).run(job, RunListener.NONE, new CancelToken());
        assertThat(crashed.status()).as("%s", crashed).isEqualTo(RunStatus.FAILED);
        assertThat(crashed.error()).get().asString().contains("simulated crash");
        if (betweenSides) assertThat(rows(b)).as("b was written before the crash").isNotEqualTo(rows(a));
        assertThat(bidi().conflicts(Optional.of("items-ab"), Optional.of(Conflict.Status.DECIDED), 1000)).as("the journal").isNotEmpty();

        run(job);
        assertThat(rows(a)).isEqualTo(refA);
        assertThat(rows(b)).isEqualTo(refB);
        assertThat(conflictsOnRecord()).isEqualTo(refConflicts);
        assertThat(bidi().conflicts(Optional.of("items-ab"), Optional.of(Conflict.Status.DECIDED), 10)).isEmpty();
        assertSidesEqualAndQuiet(job);
    }

    /** Edits on both sides, the same for a seed: conflicts on every merged kind of field, one-sided edits, new records. */
    void edits(long seed) throws SQLException {
        Random rnd = new Random(seed);
        for (int i = 0; i < 60; i++) {
            long id = 1 + rnd.nextInt(300);
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    exec(a, "UPDATE items SET name = 'a" + i + "' WHERE id = " + id);
                    exec(b, "UPDATE items SET name = 'b" + i + "' WHERE id = " + id);
                }
                case 1 -> {
                    exec(a, "UPDATE items SET qty = qty + " + (1 + rnd.nextInt(9)) + " WHERE id = " + id);
                    exec(b, "UPDATE items SET qty = qty + " + (10 + rnd.nextInt(9)) + " WHERE id = " + id);
                }
                case 2 -> {
                    exec(a, "UPDATE items SET tags = 'red,blue,g" + i + "' WHERE id = " + id);
                    exec(b, "UPDATE items SET tags = 'blue,y" + i + "' WHERE id = " + id);
                }
                case 3 -> exec(a, "UPDATE items SET price = " + (i + 0.5) + " WHERE id = " + id);
                default -> exec(b, "UPDATE items SET price = " + (i + 0.25) + " WHERE id = " + id);
            }
        }
        exec(a, "INSERT INTO items (id, name, qty) SELECT x, 'new on a ' || x, 1 FROM SYSTEM_RANGE(1001, 1040)");
        exec(b, "INSERT INTO items (id, name, qty) SELECT x, 'new on b ' || x, 2 FROM SYSTEM_RANGE(2001, 2040)");
    }

    /** Conflicts on record as "key/field/base/a/b/resolution/status", sorted (ids, runs and times left out). */
    List<String> conflictsOnRecord() {
        return bidi().conflicts(Optional.of("items-ab"), Optional.empty(), Integer.MAX_VALUE).stream()
                .map(c -> c.key() + "/" + c.field() + "/" + c.base().orElse("-") + "/" + c.aValue().orElse("-") + "/"
                        + c.bValue().orElse("-") + "/" + c.resolution().orElse("-") + "/" + c.status().label())
                .sorted().toList();
    }

    /** The h2 destination, except that the writer of the table at {@code url} fails at its n-th write: a crash there. */
    record FailingAfterWrites(dev.ferry.spi.DestinationFactory real, String url, int n) implements dev.ferry.spi.DestinationFactory {
        @Override
        public java.util.Set<String> types() {
            return real.types();
        }

        @Override
        public void validate(dev.ferry.spi.ConnectorConfig config, List<String> problems) {
            real.validate(config, problems);
        }

        @Override
        public dev.ferry.spi.Destination open(dev.ferry.spi.ConnectorConfig config) {
            dev.ferry.spi.Destination d = real.open(config);
            if (!config.string("url").orElse("").equals(url)) return d;
            return new dev.ferry.spi.Destination() {
                @Override
                public dev.ferry.spi.DestinationWriter open(dev.ferry.spi.Schema schema, dev.ferry.spi.WriteSpec spec) {
                    dev.ferry.spi.DestinationWriter w = d.open(schema, spec);
                    int[] writes = {0};
                    return new dev.ferry.spi.DestinationWriter() {
                        @Override
                        public dev.ferry.spi.WriteResult write(dev.ferry.spi.Batch batch) {
                            if (++writes[0] == n) throw new IllegalStateException("simulated crash at write " + n + " of " + url);
                            return w.write(batch);
                        }

                        @Override
                        public long delete(dev.ferry.spi.Batch keys) {
                            return w.delete(keys);
                        }

                        @Override
                        public void close() {
                            w.close();
                        }
                    };
                }

                @Override
                public void close() {
                    d.close();
                }
            };
        }
    }
}
