package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A source.key that is not unique in a database table: keyset paging ({@code key > last}) skipped the rows of a key
 * that straddles two pages, and a repeated key inside a page silently collapsed in the destination. Each reader
 * (PostgreSQL COPY, MariaDB and H2 pages) must stop the run naming the key instead; a unique key reads every row once.
 */
class NonUniqueKeyIT {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String db : List.of("postgres", "mariadb", "h2")) {
            for (long seed = 1; seed <= 3; seed++) out.add(Arguments.of(db, seed));
        }
        return out.stream();
    }

    static Db db(String which) {
        return switch (which) {
            case "postgres" -> new Db(Db.PG_URL, "postgres", "qa_nonunique");
            case "mariadb" -> new Db(Db.MARIA_URL, "root", "qa_nonunique");
            default -> new Db("jdbc:h2:mem:qa_nonunique;DB_CLOSE_DELAY=-1", null, "qa_nonunique");
        };
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aRepeatedKeyStopsTheReadNamingItAndAUniqueKeyReadsEveryRowOnce(String which, long seed) {
        Random random = new Random(seed);
        Db db = db(which).reset();
        int rows = 20 + random.nextInt(60);
        int batch = 2 + random.nextInt(9);
        db.execute("CREATE TABLE " + db.table("t") + " (id INT NOT NULL, v VARCHAR(20))");
        StringBuilder insert = new StringBuilder("INSERT INTO " + db.table("t") + " VALUES ");
        for (int i = 1; i <= rows; i++) insert.append(i > 1 ? ", " : "").append("(").append(i * 3).append(", 'v").append(i).append("')");
        db.execute(insert.toString());

        assertThat(readIds(db)).as("unique keys, batches of " + batch).hasSize(rows).doesNotHaveDuplicates().isSorted();

        // a second row for a key anywhere, also the last of a page (whose copy the next page used to skip)
        int dup = 1 + random.nextInt(rows);
        if (random.nextBoolean()) dup = Math.min(rows, batch * (1 + random.nextInt(Math.max(1, rows / batch))));
        db.execute("INSERT INTO " + db.table("t") + " VALUES (" + dup * 3 + ", 'again')");
        int key = dup * 3;
        assertThatThrownBy(() -> readIds(db, batch))
                .isInstanceOf(SyncException.class)
                .hasMessageContaining("source.key [id] is not unique")
                .hasMessageContaining("key " + key + " is on more than one row");
    }

    private static List<Long> readIds(Db db) {
        return readIds(db, 7);
    }

    private static List<Long> readIds(Db db, int batchSize) {
        ConnectorConfig table = db.config("source", "t");
        java.util.Map<String, Object> values = new java.util.LinkedHashMap<>(table.values());
        values.put("key", List.of("id"));
        ConnectorConfig config = new ConnectorConfig("source", values);
        List<Long> ids = new ArrayList<>();
        try (Source source = new JdbcSourceFactory().open(config)) {
            ReadSpec spec = new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), batchSize);
            source.plan(spec);
            try (SourceReader reader = source.open(spec, Optional.empty())) {
                for (Optional<Batch> b = reader.next(); b.isPresent(); b = reader.next()) {
                    for (int i = 0; i < b.get().size(); i++) ids.add(((Number) b.get().rows().get(i)[0]).longValue());
                }
            }
        }
        return ids;
    }
}
