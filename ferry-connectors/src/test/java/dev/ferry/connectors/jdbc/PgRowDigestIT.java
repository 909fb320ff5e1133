package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Our per-row hash of a COPY line equals PostgreSQL's hashtextextended(t::text, 0) for the same row, over awkward values. */
class PgRowDigestIT {
    static final Db DB = new Db(Db.PG_URL, "postgres", "it_jdbc_pg_digest");
    static final String[] NASTY = {"plain", "", " ", "two words", "comma,here", "(paren)", "quote\"d", "back\\slash", "tab\there",
            "new\nline", "cr\rx", "bs\bx", "vt\u000bx", "ff\fx", "ünïcödé ✓", "\\N", "NULL", "{a,b}", "ctl\u0001x", "trail "};

    @BeforeAll
    static void schema() {
        DB.reset();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void javaHashOfEachCopyLineEqualsTheServersHashOfTheRow(long seed) throws Exception {
        Random r = new Random(seed);
        String table = "it_jdbc_pg_digest.rows" + seed;
        try (Connection c = DB.connect(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
            st.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, s varchar(40), t text, n numeric(12,4), i int, "
                    + "b boolean, ts timestamptz, tl timestamp, d date, by bytea, u uuid, f double precision, j jsonb, a text[])");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb,?)")) {
                for (int id = 1; id <= 400; id++) {
                    ps.setLong(1, id);
                    ps.setString(2, r.nextInt(6) == 0 ? null : NASTY[r.nextInt(NASTY.length)]);
                    ps.setString(3, r.nextInt(6) == 0 ? null : NASTY[r.nextInt(NASTY.length)] + NASTY[r.nextInt(NASTY.length)]);
                    ps.setBigDecimal(4, r.nextInt(6) == 0 ? null : BigDecimal.valueOf(r.nextLong() % 100_000_000L, 4));
                    ps.setObject(5, r.nextInt(6) == 0 ? null : r.nextInt());
                    ps.setObject(6, r.nextInt(4) == 0 ? null : r.nextBoolean());
                    OffsetDateTime ts = OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).plusSeconds(r.nextInt(1_000_000_000))
                            .plusNanos(r.nextInt(1_000_000) * 1000L);
                    ps.setObject(7, r.nextInt(6) == 0 ? null : ts);
                    ps.setObject(8, r.nextInt(6) == 0 ? null : ts.toLocalDateTime());
                    ps.setObject(9, r.nextInt(6) == 0 ? null : ts.toLocalDate());
                    byte[] bytes = new byte[r.nextInt(12)];
                    r.nextBytes(bytes);
                    ps.setBytes(10, r.nextInt(6) == 0 ? null : bytes);
                    ps.setObject(11, r.nextInt(6) == 0 ? null : new UUID(r.nextLong(), r.nextLong()));
                    ps.setObject(12, r.nextInt(6) == 0 ? null : r.nextDouble() * Math.pow(10, r.nextInt(30) - 15));
                    ps.setString(13, r.nextInt(6) == 0 ? null : "{\"k\": \"" + NASTY[r.nextInt(4)] + "\", \"n\": " + r.nextInt(100) + "}");
                    ps.setArray(14, r.nextInt(6) == 0 ? null : c.createArrayOf("text", new String[]{NASTY[r.nextInt(NASTY.length)], "x y"}));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM " + table + " ORDER BY id) TO STDOUT", out);
            byte[] copy = out.toByteArray();
            List<Long> server = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT hashtextextended(ROW(r.*)::text, 0) FROM (SELECT * FROM " + table + " ORDER BY id) r")) {
                while (rs.next()) server.add(rs.getLong(1));
            }
            PgRowDigest digest = new PgRowDigest();
            List<Long> ours = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] == '\n') {
                    ours.add(digest.rowHash(copy, start, i - start));
                    start = i + 1;
                }
            }
            assertThat(ours).hasSize(400).isEqualTo(server);
        }
    }
}
