package dev.ferry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.CsvSource;
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
 *
 * PostgreSQL did the same into an existing table declaring a smaller scale (numeric(10,2) given 1.005 stored 1.01,
 * counted inserted), on the COPY pass-through of a fresh load and on the stage+merge alike (the stage has the
 * table's types, so the merge compared the rounded value and the next run called the row unchanged).
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

    /** A value with 3 to 8 decimal places, the last one not 0, so numeric(10,2) would round it. */
    private static BigDecimal moreThanTwoPlaces(Random random) {
        StringBuilder digits = new StringBuilder().append(random.nextInt(1000)).append('.');
        int places = 3 + random.nextInt(6);
        for (int i = 0; i < places - 1; i++) digits.append(random.nextInt(10));
        digits.append(1 + random.nextInt(9));
        return new BigDecimal(digits.toString());
    }

    /**
     * PostgreSQL into an existing numeric(10,2). Empty, a fresh load COPYs the source's text straight through;
     * holding a row, each batch is staged and merged.
     */
    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "3, true", "4, true"})
    void postgresDoesNotRoundIntoAnExistingNarrowerNumeric(long seed, boolean merged) throws Exception {
        Random random = new Random(seed);
        String schema = "pgs_round_" + seed;
        try (Db pg = Db.postgres()) {
            pg.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            pg.exec("CREATE SCHEMA " + schema);
            pg.exec("CREATE TABLE " + schema + ".src (id int PRIMARY KEY, n numeric)");
            pg.exec("CREATE TABLE " + schema + ".dst (id int PRIMARY KEY, n numeric(10,2))");
            if (merged) pg.exec("INSERT INTO " + schema + ".dst VALUES (100, 7.25)");
            BigDecimal precise = moreThanTwoPlaces(random);
            int bad = 2 + random.nextInt(3);
            StringBuilder values = new StringBuilder();
            for (int id = 1; id <= 5; id++) {
                values.append(id == 1 ? "" : ", ").append('(').append(id).append(", ")
                        .append(id == bad ? precise.toPlainString() : id + ".5").append(')');
            }
            pg.exec("INSERT INTO " + schema + ".src VALUES " + values);
            FerryProcess.Result r = FerryProcess.run(dir, "run", yaml(schema, "src", "dst").toString());
            assertThat(r.exit()).as(r.all()).isEqualTo(3);
            assertThat(r.all()).contains("4 inserted").contains("1 failed");
            assertThat(pg.queryLong("SELECT count(*) FROM " + schema + ".dst WHERE id = " + bad)).as("not landed rounded").isZero();
            assertThat(pg.queryLong("SELECT count(*) FROM " + schema + ".dst WHERE id <= 5 AND n = id + 0.5")).isEqualTo(4);
            assertThat(letters(r)).contains("column n = " + precise.toPlainString() + " has " + precise.scale()
                    + " decimal places but " + schema + ".dst holds 2");
            pg.exec("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /** A value with no more places than the column holds (2.50 and 2.5 alike) is not a dead letter. */
    @Test
    void postgresTakesValuesThatFitTheNarrowerNumeric() throws Exception {
        String schema = "pgs_round_fit";
        try (Db pg = Db.postgres()) {
            pg.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            pg.exec("CREATE SCHEMA " + schema);
            pg.exec("CREATE TABLE " + schema + ".src (id int PRIMARY KEY, n numeric)");
            pg.exec("CREATE TABLE " + schema + ".dst (id int PRIMARY KEY, n numeric(10,2))");
            pg.exec("INSERT INTO " + schema + ".src VALUES (1, 2.5), (2, 2.500000), (3, 12), (4, NULL), (5, -0.01)");
            FerryProcess.Result r = FerryProcess.run(dir, "run", yaml(schema, "src", "dst").toString());
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.all()).contains("5 inserted");
            assertThat(pg.queryLong("SELECT count(*) FROM " + schema + ".src s JOIN " + schema + ".dst d"
                    + " ON s.id = d.id AND s.n IS NOT DISTINCT FROM d.n")).isEqualTo(5);
            pg.exec("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /**
     * A decimal 2.5 into an existing integer column: PostgreSQL refuses '2.5' for integer in COPY text (SQLSTATE
     * 22P02, a record error), so the row is a dead letter without a scale check. (It refuses '4.0' the same way,
     * though that value fits; the source here sends 4.)
     */
    @Test
    void postgresRefusesAFractionForAnIntegerColumn() throws Exception {
        String schema = "pgs_round_int";
        try (Db pg = Db.postgres()) {
            pg.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            pg.exec("CREATE SCHEMA " + schema);
            pg.exec("CREATE TABLE " + schema + ".src (id int PRIMARY KEY, n numeric)");
            pg.exec("CREATE TABLE " + schema + ".dst (id int PRIMARY KEY, n integer)");
            pg.exec("INSERT INTO " + schema + ".src VALUES (1, 2), (2, 2.5), (3, 4)");
            FerryProcess.Result r = FerryProcess.run(dir, "run", yaml(schema, "src", "dst").toString());
            assertThat(r.exit()).as(r.all()).isEqualTo(3);
            assertThat(r.all()).contains("2 inserted").contains("1 failed");
            assertThat(pg.queryLong("SELECT count(*) FROM " + schema + ".dst WHERE id = 2")).as("not landed rounded").isZero();
            assertThat(letters(r)).contains("invalid input syntax for type integer").contains("2.5");
            pg.exec("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /** MariaDB rounds 2.5 into an existing INT column without a warning: the row is a dead letter, 4.0 and 7 land. */
    @Test
    void mariadbDoesNotRoundAFractionIntoAnIntegerColumn() throws Exception {
        String schema = "pgs_round_mint";
        try (Db pg = Db.postgres(); Db maria = Db.mariadb()) {
            pg.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            pg.exec("CREATE SCHEMA " + schema);
            maria.exec("DROP DATABASE IF EXISTS " + schema);
            maria.exec("CREATE DATABASE " + schema);
            pg.exec("CREATE TABLE " + schema + ".src (id int PRIMARY KEY, n numeric)");
            maria.exec("CREATE TABLE " + schema + ".dst (id int PRIMARY KEY, n int)");
            pg.exec("INSERT INTO " + schema + ".src VALUES (1, 7), (2, 2.5), (3, 4.0)");
            Path f = dir.resolve("s.yaml");
            Files.writeString(f, """
                    name: %s
                    source: {type: postgres, url: "%s", user: postgres, table: %s.src, key: [id]}
                    destination: {type: mariadb, url: "%s", user: root, table: %s.dst}
                    state: jdbc:h2:file:%s/state
                    """.formatted(schema, Db.PG_URL, schema, Db.MARIA_URL, schema, dir));
            FerryProcess.Result r = FerryProcess.run(dir, "run", f.toString());
            assertThat(r.exit()).as(r.all()).isEqualTo(3);
            assertThat(r.all()).contains("2 inserted").contains("1 failed");
            assertThat(maria.queryLong("SELECT count(*) FROM " + schema + ".dst WHERE id = 2")).as("not landed rounded").isZero();
            assertThat(maria.queryLong("SELECT count(*) FROM " + schema + ".dst WHERE (id = 1 AND n = 7) OR (id = 3 AND n = 4)")).isEqualTo(2);
            assertThat(letters(r)).contains("column n = 2.5 has 1 decimal places but " + schema + ".dst holds 0");
            pg.exec("DROP SCHEMA " + schema + " CASCADE");
            maria.exec("DROP DATABASE " + schema);
        }
    }

    private Path yaml(String schema, String source, String destination) throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, """
                name: %s
                source: {type: postgres, url: "%s", user: postgres, table: %s.%s, key: [id]}
                destination: {type: postgres, url: "%s", user: postgres, table: %s.%s}
                state: jdbc:h2:file:%s/state
                """.formatted(schema, Db.PG_URL, schema, source, Db.PG_URL, schema, destination, dir));
        return f;
    }

    /** The run's dead letters, as {@code status --json} shows them. */
    private String letters(FerryProcess.Result r) throws Exception {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\[run ([^\\]]+)]").matcher(r.out());
        assertThat(id.find()).as(r.out()).isTrue();
        return FerryProcess.run(dir, "--state=jdbc:h2:file:" + dir + "/state", "status", id.group(1), "--json").out();
    }
}
