package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A DECIMAL without declared precision (an inferred CSV/HTTP number) keeps its fraction in H2 and re-writes as unchanged. */
class H2UnboundedDecimalTest {
    @Test
    void unboundedDecimalsKeepTheirFractionAndReWriteAsUnchanged() throws Exception {
        Db db = new Db("jdbc:h2:mem:ferry_dec;DB_CLOSE_DELAY=-1", null, "it_jdbc_h2_dec").reset();
        Schema schema = new Schema(List.of(new Column("id", ColumnType.BIGINT, 0, 0, 0, false),
                new Column("amount", ColumnType.DECIMAL, 0, 0, 0, true)));
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[]{1L, new BigDecimal("1.5")});
        rows.add(new Object[]{2L, new BigDecimal("123456789012345678901234567890.123456789")});
        rows.add(new Object[]{3L, null});
        try (Destination d = new JdbcDestinationFactory().open(db.config("destination", "amounts"))) {
            WriteSpec spec = new WriteSpec(db.table("amounts"), List.of("id"), WriteMode.UPSERT, "dec", true);
            try (DestinationWriter w = d.open(schema, spec)) {
                assertThat(w.write(new Batch(0, schema, rows, "p", 0))).isEqualTo(new WriteResult(3, 0, 0));
                assertThat(w.write(new Batch(1, schema, rows, "p", 0))).isEqualTo(new WriteResult(0, 0, 3));
            }
        }
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT amount FROM " + db.table("amounts") + " ORDER BY id")) {
            rs.next();
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("1.5");
            rs.next();
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("123456789012345678901234567890.123456789");
        }
    }
}
