package dev.ferry.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL values no MariaDB column holds — numeric 'NaN', timestamptz '±infinity' — used to stop the whole run
 * with a driver's words and no row named ("Character N is neither a decimal digit number…", "Invalid value for
 * EpochDay"). Each such row must become a dead letter naming the value while every other row lands: read through
 * COPY (plain types) and through rows (a timetz column, which also used to fail every read).
 */
class PgSpecialValuesIT {
    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource({"1,copy", "2,copy", "3,rows", "4,rows"})
    void rowsWithNaNOrInfinityAreDeadLettersAndTheRestLands(long seed, String path) throws Exception {
        Random random = new Random(seed);
        String schema = "qa_special_" + seed;
        try (Db pg = Db.postgres(); Db maria = Db.mariadb()) {
            pg.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            pg.exec("CREATE SCHEMA " + schema);
            maria.exec("DROP DATABASE IF EXISTS " + schema);
            maria.exec("CREATE DATABASE " + schema);
            pg.exec("CREATE TABLE " + schema + ".src (id int PRIMARY KEY, n numeric(12,2), tz timestamptz"
                    + (path.equals("rows") ? ", tt timetz" : "") + ")");
            int rows = 30 + random.nextInt(50);
            List<Integer> special = new ArrayList<>();
            StringBuilder insert = new StringBuilder("INSERT INTO " + schema + ".src VALUES ");
            for (int id = 1; id <= rows; id++) {
                String n = "'" + random.nextInt(100_000) + ".25'";
                String tz = "'2026-01-0" + (1 + random.nextInt(9)) + " 10:00:00+00'";
                switch (random.nextInt(8)) {
                    case 0 -> { n = "'NaN'"; special.add(id); }
                    case 1 -> { tz = random.nextBoolean() ? "'infinity'" : "'-infinity'"; special.add(id); }
                    default -> { }
                }
                insert.append(id > 1 ? ", " : "").append("(").append(id).append(", ").append(n).append(", ").append(tz)
                        .append(path.equals("rows") ? ", '10:00:00+02'" : "").append(")");
            }
            pg.exec(insert.toString());
            Path f = dir.resolve("s.yaml");
            Files.writeString(f, """
                    name: %s
                    source: {type: postgres, url: "%s", user: postgres, table: %s.src, key: [id]}
                    destination: {type: mariadb, url: "%s", user: root, table: %s.dst}
                    batch: {size: 16}
                    state: jdbc:h2:file:%s/state
                    """.formatted(schema, Db.PG_URL, schema, Db.MARIA_URL, schema, dir));
            FerryProcess.Result r = FerryProcess.run(dir, "run", f.toString(), "--json");
            assertThat(r.exit()).as(r.all()).isEqualTo(special.isEmpty() ? 0 : 3);
            assertThat(r.all()).doesNotContain("\tat ").contains("\"failed\" : " + special.size());
            assertThat(maria.queryLong("SELECT count(*) FROM " + schema + ".dst")).isEqualTo(rows - special.size());
            assertThat(maria.queryLong("SELECT count(*) FROM " + schema + ".dst WHERE n IS NULL OR tz IS NULL")).isZero();
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"runId\" : \"([^\"]+)\"").matcher(r.out());
            assertThat(id.find()).isTrue();
            FerryProcess.Result letters = FerryProcess.run(dir, "--state=jdbc:h2:file:" + dir + "/state", "status", id.group(1), "--json");
            assertThat(letters.out().split("' cannot be (written|read) as ", -1)).as(letters.out()).hasSize(special.size() + 1);
            pg.exec("DROP SCHEMA " + schema + " CASCADE");
            maria.exec("DROP DATABASE " + schema);
        }
    }
}
