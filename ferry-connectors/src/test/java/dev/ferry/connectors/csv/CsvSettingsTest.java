package dev.ferry.connectors.csv;

import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvSettingsTest {
    @TempDir
    Path dir;

    static List<String> problems(Map<String, Object> values) {
        List<String> problems = new ArrayList<>();
        new CsvSourceFactory().validate(new ConnectorConfig("source", values), problems);
        return problems;
    }

    @Test
    void reportsEveryProblemAtOnceWithKeyPathAndFix() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", "csv");
        v.put("path", "./x.csv");
        v.put("delimiter", ";;");
        v.put("quote", "''");
        v.put("header", "maybe");
        v.put("encoding", "klingon");
        v.put("inferRows", "-3");
        v.put("columns", Map.of("amount", "money"));
        v.put("headers", Map.of("Authorization", "Bearer secret-token"));
        v.put("delimeter", ",");
        v.put("badRows", "skip");
        v.put("decimalSeparator", ";");
        assertThat(problems(v)).containsExactlyInAnyOrder(
                "source.decimalSeparator: ';' is not a choice; use \".\" (1,234.56, the default) or \",\" (1.234,56)",
                "source.path: file ./x.csv does not exist (looked for " + Path.of("x.csv").toAbsolutePath()
                        + "); give a path relative to the sync file's folder or an absolute one",
                "source.delimiter: ';;' is not one character; use e.g. delimiter: ';' or delimiter: tab",
                "source.quote: '''' is not one character; give one character, e.g. quote: \"'\"",
                "source.header: 'maybe' is not true or false",
                "source.encoding: 'klingon' is not a known character set; use e.g. UTF-8, ISO-8859-1, windows-1252 or UTF-16",
                "source.inferRows: '-3' is not a positive whole number",
                "source.columns.amount: 'money' is not a type; use one of " + CsvTypes.DECLARABLE,
                "source.headers: only used with source.url; remove it for a local file",
                "source.badRows: 'skip' is not a choice; use dead_letter (the record is kept with its reason, the rest lands) "
                        + "or fail (stop before writing anything)",
                "source.delimeter: unknown setting for a csv source; known settings are badRows, columns, cursor, decimalSeparator, "
                        + "delimiter, encoding, header, headers, inferRows, key, nullValues, path, quote, sheet, timeoutSeconds, type, url");
        assertThat(String.join("\n", problems(v))).doesNotContain("secret-token");
    }

    @Test
    void aDecimalCommaNeedsAnotherDelimiter() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", "csv");
        v.put("url", "https://example.com/x.csv");
        v.put("key", List.of("id"));
        v.put("decimalSeparator", ",");
        assertThat(problems(v)).containsExactly("source.decimalSeparator: ',' needs another delimiter; set source.delimiter, e.g. \";\"");
        v.put("delimiter", ";");
        assertThat(problems(v)).isEmpty();
    }

    @Test
    void pathOrUrlButNotBoth() {
        assertThat(problems(Map.of("type", "csv", "path", "a.csv", "url", "https://example.com/a.csv")))
                .containsExactly("source: give either path or url, not both");
        assertThat(problems(Map.of("type", "csv"))).singleElement().asString()
                .startsWith("source: give path (a CSV file), url (http/https").endsWith("or sheet: {id: ID, gid: 0}");
        assertThat(problems(Map.of("url", "ftp://example.com/a.csv")))
                .containsExactly("source.url: 'ftp://example.com/a.csv' is not an http(s) URL; give https://… (for a local file use source.path)");
        assertThat(problems(Map.of("url", "https://docs.google.com/spreadsheets/d/abc/export?format=csv", "timeoutSeconds", 30,
                "headers", Map.of("Authorization", "x")))).isEmpty();
    }

    @Test
    void relativePathsResolveAgainstTheSyncFilesFolder() throws IOException {
        Files.writeString(dir.resolve("data.csv"), "id\n1\n");
        assertThat(problems(Map.of("path", "data.csv", "baseDir", dir.toString()))).isEmpty();
        assertThat(problems(Map.of("path", dir.toString()))).containsExactly("source.path: " + dir + " is not a file; give the path of a CSV file");
    }

    @Test
    void delimitersAndTypesAreUnderstood() {
        List<String> problems = new ArrayList<>();
        CsvSettings s = CsvSettings.parse(new ConnectorConfig("source", Map.of("url", "http://h/x", "delimiter", "\\t",
                "columns", Map.of("a", "decimal(12,2)", "b", "varchar(40)", "c", "timestamptz", "d", "auto"))), problems);
        assertThat(problems).isEmpty();
        assertThat(s.delimiter()).isEqualTo('\t');
        assertThat(s.declared().get("a")).hasValueSatisfying(d -> assertThat(d.precision()).isEqualTo(12));
        assertThat(s.declared().get("b")).hasValueSatisfying(d -> assertThat(d.length()).isEqualTo(40));
        assertThat(s.declared().get("d")).isEmpty();
        assertThat(CsvSettings.parse(new ConnectorConfig("source", Map.of("url", "http://h/x", "delimiter", "tab")), problems).delimiter())
                .isEqualTo('\t');
        assertThat(CsvSettings.parse(new ConnectorConfig("source", Map.of("url", "http://h/x", "delimiter", ";")), problems).delimiter())
                .isEqualTo(';');
    }

    @Test
    void secretLookingQueryValuesAreMaskedInMessages() {
        assertThat(CsvSettings.redact(java.net.URI.create("https://user:pw@h.example/x.csv?format=csv&access_token=abc&gid=0")))
                .isEqualTo("https://h.example/x.csv?format=csv&access_token=***&gid=0");
    }

    @Test
    void openRefusesABadConfigWithEveryProblem() {
        assertThatThrownBy(() -> new CsvSourceFactory().open(new ConnectorConfig("source", Map.of("delimiter", "ab"))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }

    @Test
    void registeredWithServiceLoader() {
        assertThat(ServiceLoader.load(dev.ferry.spi.SourceFactory.class).stream().map(ServiceLoader.Provider::type))
                .contains(CsvSourceFactory.class);
    }
}
