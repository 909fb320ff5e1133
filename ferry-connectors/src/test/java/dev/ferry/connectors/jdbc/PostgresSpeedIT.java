package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.TestRows;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A rough rows/s figure for 20k rows (printed, not asserted): fresh load, unchanged re-run, and read. */
class PostgresSpeedIT {
    @Test
    void measuresWriteAndReadOf20kRows() {
        Db db = new Db(Db.PG_URL, "postgres", "it_jdbc_pg_speed").reset();
        List<Object[]> rows = TestRows.rows(99, 20_000, 1);
        JdbcDestinationFactory f = new JdbcDestinationFactory();
        try (Destination d = f.open(db.config("destination", "speed"))) {
            for (String pass : List.of("fresh load", "unchanged re-run")) {
                long t0 = System.nanoTime();
                WriteResult total = WriteResult.NONE;
                try (DestinationWriter w = d.open(TestRows.SCHEMA, new WriteSpec(db.table("speed"), List.of("id"), WriteMode.UPSERT, "speed", true))) {
                    for (int i = 0; i < rows.size(); i += 5000) {
                        total = total.plus(w.write(new Batch(i, TestRows.SCHEMA, rows.subList(i, i + 5000), null, 0)));
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("postgres write, %s: 20000 rows in %.3f s = %.0f rows/s %s%n", pass, s, 20000 / s, total);
                assertThat(total.total()).isEqualTo(20_000);
            }
        }
        var config = new java.util.LinkedHashMap<>(db.config("source", "speed").values());
        config.put("key", "id");
        try (Source src = new JdbcSourceFactory().open(new dev.ferry.spi.ConnectorConfig("source", config))) {
            long t0 = System.nanoTime();
            long n = 0;
            try (SourceReader r = src.open(new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), 5000), Optional.empty())) {
                for (Optional<Batch> b = r.next(); b.isPresent(); b = r.next()) n += b.get().size();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("postgres read: %d rows in %.3f s = %.0f rows/s%n", n, s, n / s);
            assertThat(n).isEqualTo(20_000);
        }
    }
}
