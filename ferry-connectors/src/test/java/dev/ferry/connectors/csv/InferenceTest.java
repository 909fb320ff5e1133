package dev.ferry.connectors.csv;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InferenceTest {

    static Column infer(boolean wholeFile, String... values) {
        ColumnGuess g = new ColumnGuess();
        for (String v : values) g.observe(v);
        return g.column("c", wholeFile);
    }

    @Test
    void singleTypes() {
        assertThat(infer(true, "1", "-2", "+3", "9223372036854775807").type()).isEqualTo(ColumnType.BIGINT);
        assertThat(infer(true, "9223372036854775808").type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(infer(true, "1e5", "-2.5E-3").type()).isEqualTo(ColumnType.DOUBLE);
        assertThat(infer(true, "true", "FALSE").type()).isEqualTo(ColumnType.BOOLEAN);
        assertThat(infer(true, "yes", "no").type()).isEqualTo(ColumnType.STRING);
        assertThat(infer(true, "2024-02-29").type()).isEqualTo(ColumnType.DATE);
        assertThat(infer(true, "2024-02-30").type()).isEqualTo(ColumnType.STRING);
        assertThat(infer(true, "2024-01-02 03:04:05", "2024-01-02T03:04:05.123").type()).isEqualTo(ColumnType.TIMESTAMP);
        assertThat(infer(true, "2024-01-02T03:04:05Z", "2024-01-02 03:04:05+02:00", "2024-01-02 03:04:05+02").type())
                .isEqualTo(ColumnType.TIMESTAMPTZ);
        assertThat(infer(true).type()).isEqualTo(ColumnType.STRING);
    }

    @Test
    void codesWithLeadingZerosOrPaddingStayText() {
        assertThat(infer(true, "00501", "90210").type()).isEqualTo(ColumnType.STRING);
        assertThat(infer(true, "007").type()).isEqualTo(ColumnType.STRING);
        assertThat(infer(true, " 42").type()).isEqualTo(ColumnType.STRING);
        assertThat(infer(true, "0", "10").type()).isEqualTo(ColumnType.BIGINT);
        // "1,234" alone may be a decimal comma: text; the unambiguous grouped forms are numbers
        assertThat(infer(true, "1,234").type()).isEqualTo(ColumnType.STRING);
        assertThat(infer(true, "1,234.50", "12.00").type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(infer(true, "1,234,567", "12").type()).isEqualTo(ColumnType.BIGINT);
        assertThat(infer(true, "1,234.50", "1,5").type()).isEqualTo(ColumnType.STRING);
    }

    @Test
    void mixedValuesWidenConservatively() {
        Column d = infer(true, "1", "22.5", "-333.125");
        assertThat(d.type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(d.precision()).isEqualTo(6);
        assertThat(d.scale()).isEqualTo(3);
        // from a sample, decimals leave room for bigger amounts later in the file
        Column sampled = infer(false, "1.25");
        assertThat(sampled.precision()).isEqualTo(ColumnGuess.MIN_DECIMAL_PRECISION + 2);
        assertThat(infer(true, "1", "2e3").type()).isEqualTo(ColumnType.DOUBLE);
        assertThat(infer(true, "2024-01-01", "2024-01-01 10:00").type()).isEqualTo(ColumnType.TIMESTAMP);
        assertThat(infer(true, "2024-01-01 10:00", "2024-01-01T10:00Z").type()).isEqualTo(ColumnType.STRING);
        assertThat(infer(true, "1", "true").type()).isEqualTo(ColumnType.STRING);
        assertThat(infer(true, "abc", "de").length()).isEqualTo(3);
        assertThat(infer(false, "abc", "de").length()).isZero();
    }

    @Test
    void timestampsWithOffsetsParseAndCompareByInstant() throws Exception {
        Column tz = Column.of("t", ColumnType.TIMESTAMPTZ);
        Object a = CsvTypes.parse(tz, "2024-01-02 03:00:00+02");
        assertThat(a).isEqualTo(OffsetDateTime.of(2024, 1, 2, 3, 0, 0, 0, ZoneOffset.ofHours(2)));
        Object b = CsvTypes.parse(tz, "2024-01-02T02:00:00Z");
        assertThat(CsvTypes.CURSOR_ORDER.compare(a, b)).isNegative();
        assertThat(CsvTypes.encode(a)).isEqualTo("2024-01-02T03:00+02:00");
    }

    @Test
    void headerNamesBecomeUniqueSnakeCaseIdentifiers() {
        assertThat(HeaderNames.columnNames(List.of("Order ID", "createdAt", "Café au lait", "", "2024 Sales", "name", "Name", "NAME", " ")))
                .containsExactly("order_id", "created_at", "cafe_au_lait", "col4", "col_2024_sales", "name", "name_2", "name_3", "col9");
    }
}
