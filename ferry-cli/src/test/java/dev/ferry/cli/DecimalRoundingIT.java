package dev.ferry.cli;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL numeric with more decimals than the MariaDB column holds (an unconstrained numeric becomes
 * DECIMAL(65,20); numeric(p,s>30) becomes scale 30; or an existing table declares fewer) is rounded by MariaDB
 * without a word: the run succeeds, the value differs, and the next run calls the row unchanged.
 *
 * FAILS TODAY: the row lands rounded (0.1234567890123456789012345 → 0.12345678901234567890) and counts as
 * inserted. Wanted: the row is a dead letter naming column and value ("would be rounded to 20 decimals"), or lands
 * exactly. A fix needs the writers (RowWriter, LOAD DATA, PostgresWriter for an existing narrower table) to know the
 * destination columns' scales and refuse a value that does not fit; not done for lack of time.
 */
@Disabled("MariaDB/PostgreSQL destinations round decimals beyond the column's scale silently; see the class comment")
class DecimalRoundingIT {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void aValueWithMoreDecimalsThanTheColumnIsNotRoundedSilently(long seed) throws Exception {
        Random random = new Random(seed);
        String schema = "qa_round_" + seed;
        try (Db pg = Db.postgres(); Db maria = Db.mariadb()) {
            pg.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            pg.exec("CREATE SCHEMA " + schema);
            maria.exec("DROP DATABASE IF EXISTS " + schema);
            maria.exec("CREATE DATABASE " + schema);
            pg.exec("CREATE TABLE " + schema + ".src (id int PRIMARY KEY, n numeric)");
            StringBuilder digits = new StringBuilder("0.");
            for (int i = 0; i < 21 + random.nextInt(9); i++) digits.append(1 + random.nextInt(9));
            BigDecimal precise = new BigDecimal(digits.toString());
            pg.exec("INSERT INTO " + schema + ".src VALUES (1, 1.5), (2, " + precise.toPlainString() + ")");
            Path f = dir.resolve("s.yaml");
            Files.writeString(f, """
                    name: %s
                    source: {type: postgres, url: "%s", user: postgres, table: %s.src, key: [id]}
                    destination: {type: mariadb, url: "%s", user: root, table: %s.dst}
                    state: jdbc:h2:file:%s/state
                    """.formatted(schema, Db.PG_URL, schema, Db.MARIA_URL, schema, dir));
            FerryProcess.Result r = FerryProcess.run(dir, "run", f.toString());
            long exact = maria.queryLong("SELECT count(*) FROM " + schema + ".dst WHERE id = 2 AND n = " + precise.toPlainString());
            boolean deadLettered = r.exit() == 3 && r.all().contains("1 failed");
            assertThat(exact == 1 || deadLettered).as("the value %s landed exactly or is a dead letter: %s", precise, r.all()).isTrue();
        }
    }
}
