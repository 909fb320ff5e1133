package dev.ferry.cli;

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
 * DECIMAL(65,20); numeric(p,s>30) becomes scale 30; or an existing table declares fewer) was rounded by MariaDB
 * without a word: the run succeeded, the value differed, and the next run called the row unchanged. Now the row is a
 * dead letter naming column, value and scale; the rest lands.
 */
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
            assertThat(r.exit()).as(r.all()).isEqualTo(3);
            assertThat(r.all()).contains("1 inserted").contains("1 failed");
            assertThat(maria.queryLong("SELECT count(*) FROM " + schema + ".dst WHERE id = 2")).as("not landed rounded").isZero();
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\[run ([^\\]]+)]").matcher(r.out());
            assertThat(id.find()).as(r.out()).isTrue();
            FerryProcess.Result letters = FerryProcess.run(dir, "--state=jdbc:h2:file:" + dir + "/state", "status", id.group(1), "--json");
            assertThat(letters.out()).contains("column n = " + precise.toPlainString() + " has " + precise.scale()
                    + " decimal places but " + schema + ".dst holds 20");
            pg.exec("DROP SCHEMA " + schema + " CASCADE");
            maria.exec("DROP DATABASE " + schema);
        }
    }
}
