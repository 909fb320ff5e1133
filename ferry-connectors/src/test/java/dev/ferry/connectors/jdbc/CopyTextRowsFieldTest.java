package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One field decoded alone is the value a whole-row decode gives, in any column (what DecimalFit reads). */
class CopyTextRowsFieldTest {
    @Test
    void oneFieldIsTheSameAsInTheWholeRow() {
        Schema schema = new Schema(List.of(Column.of("id", ColumnType.BIGINT), Column.of("n", ColumnType.DECIMAL),
                Column.of("label", ColumnType.TEXT), Column.of("m", ColumnType.DECIMAL)));
        String text = "1\t1.005\ta\\tb\t2\n2\t\\N\t\t-0.50\n3\t12\t\\N\t\\N\n";
        byte[] buf = text.getBytes(StandardCharsets.UTF_8);
        int[] starts = {0, text.indexOf('\n') + 1, text.indexOf('\n', text.indexOf('\n') + 1) + 1, buf.length};
        CopyTextRows rows = new CopyTextRows(schema, buf, starts, 3, true);
        for (int r = 0; r < rows.size(); r++) {
            Object[] whole = rows.get(r);
            for (int c = 0; c < schema.size(); c++) assertThat(rows.field(r, c)).as("row %d column %d", r, c).isEqualTo(whole[c]);
        }
        assertThat(rows.field(0, 1)).isEqualTo(new BigDecimal("1.005"));
        assertThat(rows.field(1, 3)).isEqualTo(new BigDecimal("-0.50"));
        assertThat(rows.subList(1, 3).field(1, 1)).isEqualTo(new BigDecimal("12"));
    }
}
