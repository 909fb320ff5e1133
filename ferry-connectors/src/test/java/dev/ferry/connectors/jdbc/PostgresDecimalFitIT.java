package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.RecordException;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PostgreSQL writer checks decimals against an existing table's numeric scales only where a value can be
 * rounded, and the COPY text still passes through as it is read (the check decodes only the columns at risk).
 */
class PostgresDecimalFitIT {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.PG_URL, "postgres", "pgs_decimal_fit").reset();
    }

    /**
     * @param sourceType      the source column's type
     * @param destinationType the existing destination column's type
     * @param checks          whether a value in it can be rounded, so the writer checks values
     */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "numeric; numeric; false",
            "numeric(10,2); numeric; false",
            "numeric(10,2); numeric(12,2); false",
            "numeric(10,2); numeric(12,4); false",
            "numeric; numeric(10,2); true",
            "numeric(12,3); numeric(10,2); true",
            "numeric(12,0); integer; false",
    })
    void checksOnlyColumnsThatCanRoundAndPassesTheTextThrough(String sourceType, String destinationType, boolean checks) throws Exception {
        String tag = (sourceType + "_" + destinationType).replaceAll("[^a-z0-9]+", "_");
        db.execute("DROP TABLE IF EXISTS " + db.table("s_" + tag) + ", " + db.table("d_" + tag));
        db.execute("CREATE TABLE " + db.table("s_" + tag) + " (id bigint PRIMARY KEY, label text, n " + sourceType + ")");
        db.execute("CREATE TABLE " + db.table("d_" + tag) + " (id bigint PRIMARY KEY, label text, n " + destinationType + ")");
        db.execute("INSERT INTO " + db.table("s_" + tag) + " SELECT g, 'row ' || g, g * 2 FROM generate_series(1, 250) g");
        try (JdbcSource source = source("s_" + tag); Destination d = new JdbcDestinationFactory().open(db.config("destination", "d_" + tag))) {
            List<Batch> batches = batches(source);
            try (PostgresWriter w = (PostgresWriter) d.open(source.schema(),
                    new WriteSpec(db.table("d_" + tag), List.of("id"), WriteMode.UPSERT, "it", true, true))) {
                assertThat(w.checksDecimals()).as("checks %s into %s", sourceType, destinationType).isEqualTo(checks);
                WriteResult total = WriteResult.NONE;
                for (Batch b : batches) total = total.plus(w.write(b));
                assertThat(total).isEqualTo(new WriteResult(250, 0, 0));
                assertThat(w.passThroughBatches).as("the COPY text went as it was read").isEqualTo(batches.size());
            }
        }
    }

    /** A value with more places than numeric(10,2) holds: a record error on the direct COPY and on the merge. */
    @ParameterizedTest
    @CsvSource({"true", "false"})
    void aValueThatWouldRoundIsARecordErrorOnEitherPath(boolean fresh) throws Exception {
        db.execute("DROP TABLE IF EXISTS " + db.table("s_round") + ", " + db.table("d_round"));
        db.execute("CREATE TABLE " + db.table("s_round") + " (id bigint PRIMARY KEY, n numeric)");
        db.execute("CREATE TABLE " + db.table("d_round") + " (id bigint PRIMARY KEY, n numeric(10,2))");
        db.execute("INSERT INTO " + db.table("s_round") + " VALUES (1, 1.5), (2, 1.005), (3, 2.25)");
        // a row already there: no direct COPY, each batch is staged and merged
        if (!fresh) db.execute("INSERT INTO " + db.table("d_round") + " VALUES (100, 7.25)");
        try (JdbcSource source = source("s_round"); Destination d = new JdbcDestinationFactory().open(db.config("destination", "d_round"))) {
            List<Batch> batches = batches(source);
            assertThat(batches).hasSize(1);
            try (PostgresWriter w = (PostgresWriter) d.open(source.schema(),
                    new WriteSpec(db.table("d_round"), List.of("id"), WriteMode.UPSERT, "it", fresh, fresh))) {
                assertThat(w.direct()).isEqualTo(fresh);
                assertThatThrownBy(() -> w.write(batches.get(0))).isInstanceOf(RecordException.class)
                        .hasMessageContaining("column n = 1.005 has 3 decimal places but " + db.table("d_round") + " holds 2");
                assertThat(w.directBatches + w.mergedBatches).as("nothing was sent").isZero();
                // the rows around it land (as the engine's bisection would write them)
                Batch rest = batches.get(0).withRows(List.of(batches.get(0).rows().get(0), batches.get(0).rows().get(2)));
                assertThat(w.write(rest)).isEqualTo(new WriteResult(2, 0, 0));
            }
        }
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT string_agg(id || '=' || n, ',' ORDER BY id) FROM " + db.table("d_round"))) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(fresh ? "1=1.50,3=2.25" : "1=1.50,3=2.25,100=7.25");
        }
    }

    private static JdbcSource source(String table) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", "postgres");
        v.put("url", Db.PG_URL);
        v.put("user", "postgres");
        v.put("table", db.table(table));
        v.put("key", List.of("id"));
        return (JdbcSource) new JdbcSourceFactory().open(new ConnectorConfig("source", v));
    }

    private static List<Batch> batches(JdbcSource source) {
        List<Batch> out = new ArrayList<>();
        try (SourceReader r = source.open(new ReadSpec(List.of("id"), Optional.empty(), Optional.empty(), Optional.empty(), 100), Optional.empty())) {
            for (Optional<Batch> b = r.next(); b.isPresent(); b = r.next()) out.add(b.get());
        }
        return out;
    }
}
