package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MariaDB's BOOLEAN is tinyint(1), which holds -128..127. The source reads it as a boolean: 0/1/NULL must read as
 * false/true/null, and any other value (a status code in a tinyint(1) column) used to turn silently into true; it
 * must stop the read naming the column, the value and the query that reads it as a number.
 */
class MariaDbTinyintBooleanIT {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void zeroAndOneAreBooleansAndAnyOtherValueStopsTheRead(long seed) {
        Random random = new Random(seed);
        Db db = new Db(Db.MARIA_URL, "root", "qa_tinyint").reset();
        db.execute("CREATE TABLE " + db.table("t") + " (id INT PRIMARY KEY, flag TINYINT(1), real_bool BOOLEAN)");
        int rows = 10 + random.nextInt(30);
        List<Boolean> expected = new ArrayList<>();
        StringBuilder insert = new StringBuilder("INSERT INTO " + db.table("t") + " VALUES ");
        for (int i = 1; i <= rows; i++) {
            Integer v = random.nextInt(5) == 0 ? null : random.nextInt(2);
            expected.add(v == null ? null : v == 1);
            insert.append(i > 1 ? ", " : "").append("(").append(i).append(", ").append(v).append(", ").append(v).append(")");
        }
        db.execute(insert.toString());
        assertThat(read(db, 1)).as("flag").containsExactlyElementsOf(expected);
        assertThat(read(db, 2)).as("real_bool").containsExactlyElementsOf(expected);

        int other = random.nextBoolean() ? 2 + random.nextInt(126) : -1 - random.nextInt(128);
        db.execute("UPDATE " + db.table("t") + " SET flag = " + other + " WHERE id = " + (1 + random.nextInt(rows)));
        assertThatThrownBy(() -> read(db, 1))
                .isInstanceOf(SyncException.class)
                .hasMessageContaining("column flag of table qa_tinyint.t is tinyint(1), read as a boolean, but holds " + other)
                .hasMessageContaining("CAST(flag AS SIGNED)");
    }

    private static List<Boolean> read(Db db, int column) {
        Map<String, Object> values = new LinkedHashMap<>(db.config("source", "t").values());
        values.put("key", List.of("id"));
        List<Boolean> out = new ArrayList<>();
        try (Source source = new JdbcSourceFactory().open(new ConnectorConfig("source", values))) {
            ReadSpec spec = new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), 7);
            try (SourceReader reader = source.open(spec, Optional.empty())) {
                for (Optional<Batch> b = reader.next(); b.isPresent(); b = reader.next()) {
                    for (Object[] row : b.get().rows()) out.add((Boolean) row[column]);
                }
            }
        }
        return Arrays.asList(out.toArray(Boolean[]::new));
    }
}
