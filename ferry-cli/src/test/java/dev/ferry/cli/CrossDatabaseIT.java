package dev.ferry.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Types survive every pairing: MariaDB → PostgreSQL, PostgreSQL → MariaDB, CSV → H2, H2 → PostgreSQL. */
class CrossDatabaseIT {
    static final String SCHEMA = "it_cli_cross";
    static final int ROWS = 3000;
    static Db pg, maria;

    @TempDir Path dir;

    @BeforeAll
    static void schemas() throws Exception {
        pg = Db.postgres();
        maria = Db.mariadb();
        pg.exec("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        pg.exec("CREATE SCHEMA " + SCHEMA);
        maria.exec("DROP DATABASE IF EXISTS " + SCHEMA);
        maria.exec("CREATE DATABASE " + SCHEMA);
    }

    @AfterAll
    static void close() throws Exception {
        pg.close();
        maria.close();
    }

    /** Seeded rows with the awkward values: tabs, newlines, backslashes, quotes, unicode, empty vs null. */
    static List<Object[]> rows(long seed) {
        Random r = new Random(seed);
        String[] nasty = {"plain", "tab\there", "new\nline", "back\\slash", "quote'\"s", "ünïcödé ✓", "", "\\N", "comma, semi;", "crlf\r\nx"};
        List<Object[]> out = new ArrayList<>();
        for (int i = 1; i <= ROWS; i++) {
            String name = nasty[r.nextInt(nasty.length)] + i;
            BigDecimal amount = BigDecimal.valueOf(r.nextLong() % 1_000_000_000L, 3).setScale(3, RoundingMode.UNNECESSARY);
            LocalDateTime created = LocalDateTime.of(2020, 1, 1, 0, 0).plusSeconds(r.nextInt(200_000_000)).plusNanos(r.nextInt(1_000_000) * 1000L);
            Boolean flag = r.nextInt(5) == 0 ? null : r.nextBoolean();
            String note = r.nextInt(4) == 0 ? null : nasty[r.nextInt(nasty.length)];
            byte[] data = new byte[r.nextInt(20)];
            r.nextBytes(data);
            out.add(new Object[]{(long) i * 7, name, amount, created, flag, note, r.nextInt(6) == 0 ? null : data});
        }
        return out;
    }

    static void insert(Connection c, String table, List<Object[]> rows, boolean offsetTimestamps) throws Exception {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?,?,?,?,?,?,?)")) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    Object v = row[i];
                    if (i == 3 && offsetTimestamps) v = ((LocalDateTime) v).atOffset(ZoneOffset.UTC);
                    ps.setObject(i + 1, v);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    Path sync(String name, String source, String destination) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, "name: " + name + "\nsource:\n" + source.indent(2) + "destination:\n" + destination.indent(2)
                + "batch:\n  size: 700\nstate: jdbc:h2:file:" + dir + "/state\n");
        return f;
    }

    static void assertRun(FerryProcess.Result r) {
        assertThat(r.exit()).as(r.all()).isZero();
    }

    @Test
    void mariadbToPostgres() throws Exception {
        maria.exec("CREATE TABLE " + SCHEMA + ".items (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, amount DECIMAL(15,3), "
                + "created DATETIME(6), flag BOOLEAN, note TEXT, data VARBINARY(64)) CHARACTER SET utf8mb4");
        insert(maria.connection(), SCHEMA + ".items", rows(1), false);
        assertRun(FerryProcess.run(dir, "run", sync("m2p", """
                type: mariadb
                url: jdbc:mariadb://127.0.0.1:3306/%s
                user: root
                table: items
                key: [id]""".formatted(SCHEMA), """
                type: postgres
                url: jdbc:postgresql://127.0.0.1:5432/test
                user: postgres
                table: %s.items_from_maria""".formatted(SCHEMA)).toString()));
        assertThat(Rows.read(pg.connection(), "SELECT id, name, amount, created, flag, note, data FROM " + SCHEMA + ".items_from_maria ORDER BY id"))
                .isEqualTo(Rows.read(maria.connection(), "SELECT id, name, amount, created, flag, note, data FROM " + SCHEMA + ".items ORDER BY id"));
    }

    @Test
    void postgresToMariadb() throws Exception {
        pg.exec("CREATE TABLE " + SCHEMA + ".items (id bigint PRIMARY KEY, name varchar(50) NOT NULL, amount numeric(15,3), "
                + "created timestamptz, flag boolean, note text, data bytea)");
        insert(pg.connection(), SCHEMA + ".items", rows(2), true);
        assertRun(FerryProcess.run(dir, "run", sync("p2m", """
                type: postgres
                url: jdbc:postgresql://127.0.0.1:5432/test
                user: postgres
                table: %s.items
                key: [id]""".formatted(SCHEMA), """
                type: mariadb
                url: jdbc:mariadb://127.0.0.1:3306/%s
                user: root
                table: items_from_pg""".formatted(SCHEMA)).toString()));
        // timestamptz lands as a UTC date-time where the destination has no time zone type
        assertThat(Rows.read(maria.connection(), "SELECT id, name, amount, created, flag, note, data FROM " + SCHEMA + ".items_from_pg ORDER BY id"))
                .isEqualTo(Rows.read(pg.connection(), "SELECT id, name, amount, created, flag, note, data FROM " + SCHEMA + ".items ORDER BY id"));
    }

    @Test
    void h2ToPostgres() throws Exception {
        String h2 = "jdbc:h2:file:" + dir + "/h2src";
        try (Connection c = DriverManager.getConnection(h2)) {
            c.createStatement().execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, amount NUMERIC(15,3), "
                    + "created TIMESTAMP WITH TIME ZONE, flag BOOLEAN, note CHARACTER LARGE OBJECT, data VARBINARY(64))");
            insert(c, "items", rows(3), true);
        }
        assertRun(FerryProcess.run(dir, "run", sync("h2p", """
                type: h2
                url: %s
                table: items
                key: [id]""".formatted(h2), """
                type: postgres
                url: jdbc:postgresql://127.0.0.1:5432/test
                user: postgres
                table: %s.items_from_h2""".formatted(SCHEMA)).toString()));
        List<List<String>> expected;
        try (Connection c = DriverManager.getConnection(h2)) {
            expected = Rows.read(c, "SELECT id, name, amount, created, flag, note, data FROM items ORDER BY id");
        }
        assertThat(Rows.read(pg.connection(), "SELECT id, name, amount, created, flag, note, data FROM " + SCHEMA + ".items_from_h2 ORDER BY id"))
                .isEqualTo(expected);
    }

    @Test
    void csvToH2() throws Exception {
        List<Object[]> rows = rows(4);
        StringBuilder csv = new StringBuilder("id,name,amount,created,note\n");
        for (Object[] r : rows) {
            csv.append(r[0]).append(',').append(quote((String) r[1])).append(',').append(((BigDecimal) r[2]).toPlainString())
                    .append(',').append(r[3]).append(',').append(r[5] == null ? "" : quote((String) r[5])).append('\n');
        }
        Files.writeString(dir.resolve("items.csv"), csv, StandardCharsets.UTF_8);
        String h2 = "jdbc:h2:file:" + dir + "/h2dst";
        assertRun(FerryProcess.run(dir, "run", sync("c2h", """
                type: csv
                path: items.csv
                key: [id]
                columns: {name: string, note: string}""", """
                type: h2
                url: %s
                table: items""".formatted(h2)).toString()));
        try (Connection c = DriverManager.getConnection(h2)) {
            List<List<String>> got = Rows.read(c, "SELECT id, name, amount, created, note FROM items ORDER BY id");
            assertThat(got).hasSize(ROWS);
            for (int i = 0; i < ROWS; i++) {
                Object[] r = rows.get(i);
                String note = (String) r[5];
                assertThat(got.get(i)).containsExactly(String.valueOf(r[0]), (String) r[1],
                        ((BigDecimal) r[2]).stripTrailingZeros().toPlainString(), r[3].toString(),
                        note); // quoted "" stays an empty string, an empty cell is null
            }
        }
    }

    static String quote(String s) {
        return s.isEmpty() ? "\"\"" : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
