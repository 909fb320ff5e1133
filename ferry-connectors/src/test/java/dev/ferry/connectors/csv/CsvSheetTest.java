package dev.ferry.connectors.csv;

import dev.ferry.spi.ConnectorConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A Google Sheets id (and tab gid) becomes the sheet's CSV export URL; a wrong id says where to find the right one. */
class CsvSheetTest {
    static final String ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123";

    @Test
    void sheetIdAndGidBecomeTheExportUrl() {
        List<String> problems = new ArrayList<>();
        CsvSettings s = CsvSettings.parse(new ConnectorConfig("source", Map.of("sheet", Map.of("id", ID, "gid", 1234567), "key", "sku")), problems);
        assertThat(problems).isEmpty();
        assertThat(s.url()).hasValueSatisfying(u -> assertThat(u.toString())
                .isEqualTo("https://docs.google.com/spreadsheets/d/" + ID + "/export?format=csv&gid=1234567"));
        CsvSettings bare = CsvSettings.parse(new ConnectorConfig("source", Map.of("sheet", ID, "key", "sku")), problems);
        assertThat(bare.url()).hasValueSatisfying(u -> assertThat(u.toString()).endsWith("&gid=0"));
    }

    @Test
    void aWrongSheetIdOrBothUrlAndSheetAreReported() {
        List<String> problems = new ArrayList<>();
        CsvSettings.parse(new ConnectorConfig("source", Map.of("sheet", Map.of("id", "bad id!", "gid", "x"), "key", "sku")), problems);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("source.sheet.id: 'bad id!' is not a Google Sheets id"))
                .anySatisfy(p -> assertThat(p).startsWith("source.sheet.gid: 'x' is not a tab id"));
        problems.clear();
        CsvSettings.parse(new ConnectorConfig("source", Map.of("sheet", ID, "url", "https://example.com/a.csv", "key", "sku")), problems);
        assertThat(problems).containsExactly("source: give either url or sheet, not both");
    }
}
