package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcConfigTest {

    @Test
    void sourceValidationReportsEveryProblemAtOnceWithoutConnecting() {
        List<String> problems = new ArrayList<>();
        new JdbcSourceFactory().validate(new ConnectorConfig("source", Map.of("url", "jdbc:oracle:thin:@x", "cursor", "a-b")), problems);
        assertThat(problems).anyMatch(p -> p.startsWith("source.url: "))
                .contains("source.table: required (or source.query); name the table to read, e.g. public.orders")
                .anyMatch(p -> p.startsWith("source.key: required"))
                .anyMatch(p -> p.startsWith("source.cursor: 'a-b'"));
    }

    @Test
    void aMistypedKeyIsReportedWithTheKeyItMeantInsteadOfIgnored() {
        List<String> problems = new ArrayList<>();
        new JdbcDestinationFactory().validate(new ConnectorConfig("destination", Map.of("type", "postgres", "url", "jdbc:h2:mem:x",
                "table", "t", "mdoe", "upsert", "createSchema", "true")), problems);
        assertThat(problems).singleElement().asString()
                .startsWith("destination.mdoe: unknown key (did you mean 'mode'?); known keys here are [");
        problems.clear();
        new JdbcSourceFactory().validate(new ConnectorConfig("source", Map.of("type", "mariadb", "url", "jdbc:h2:mem:x",
                "table", "t", "key", List.of("id"), "curser", "updated", "fetchSize", "10", "password", "")), problems);
        assertThat(problems).singleElement().asString().startsWith("source.curser: unknown key (did you mean 'cursor'?)");
        problems.clear();
        new JdbcSourceFactory().validate(new ConnectorConfig("source", Map.of("url", "jdbc:h2:mem:x",
                "table", "t", "key", List.of("id"), "whatever", "1")), problems);
        assertThat(problems).singleElement().asString().startsWith("source.whatever: unknown key; known keys here are [");
    }

    @Test
    void tableAndQueryAreExclusiveAndIdentifiersChecked() {
        List<String> problems = new ArrayList<>();
        new JdbcSourceFactory().validate(new ConnectorConfig("source", Map.of("url", "jdbc:h2:mem:x", "table", "a.b.c",
                "key", List.of("id"))), problems);
        assertThat(problems).singleElement().asString().startsWith("source.table: 'a.b.c' is not a plain identifier");
        problems.clear();
        new JdbcSourceFactory().validate(new ConnectorConfig("source", Map.of("url", "jdbc:h2:mem:x", "table", "t",
                "query", "select 1", "key", "id")), problems);
        assertThat(problems).singleElement().asString().contains("not both");
        problems.clear();
        new JdbcDestinationFactory().validate(new ConnectorConfig("destination", Map.of("url", "jdbc:h2:mem:x",
                "table", "x; drop table y", "createSchema", "maybe")), problems);
        assertThat(problems).hasSize(2).anyMatch(p -> p.startsWith("destination.table: ")).anyMatch(p -> p.startsWith("destination.createSchema"));
    }

    @Test
    void aMissingTableIsNamedWithTheFix() {
        assertThatThrownBy(() -> new JdbcSourceFactory().open(new ConnectorConfig("source",
                Map.of("url", "jdbc:h2:mem:cfg;DB_CLOSE_DELAY=-1", "table", "nope.orders", "key", "id"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("source.table: table nope.orders does not exist in jdbc:h2:mem:cfg;DB_CLOSE_DELAY=-1; check the name (schema.table)");
    }

    @Test
    void aFailedConnectionIsOneLineNamingTheUrlButNeverThePassword() {
        assertThatThrownBy(() -> new JdbcSourceFactory().open(new ConnectorConfig("source", Map.of(
                "url", "jdbc:postgresql://127.0.0.1:1/test?password=hunter2", "user", "bob", "password", "hunter2",
                "table", "t", "key", "id"))))
                .isInstanceOf(SyncException.class)
                .hasMessageStartingWith("cannot connect to jdbc:postgresql://127.0.0.1:1/test?password=*** as bob: ")
                .hasMessageContaining("check source.url")
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Jdbc.redact("jdbc:mariadb://bob:secret@host/db?user=x&password=p2&a=b"))
                .isEqualTo("jdbc:mariadb://bob:***@host/db?user=x&password=***&a=b");
    }

    @Test
    void positionsRoundTripExactly() {
        Object[] key = {"a,b\\c\\N", 42L, new BigDecimal("1.500"), OffsetDateTime.parse("2024-02-03T04:05:06.123456Z"),
                null, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), new byte[]{0, -1, 16}, ""};
        List<ColumnType> types = List.of(ColumnType.STRING, ColumnType.BIGINT, ColumnType.DECIMAL, ColumnType.TIMESTAMPTZ,
                ColumnType.INTEGER, ColumnType.UUID, ColumnType.BYTES, ColumnType.TEXT);
        Object[] back = Values.decodeKey(Values.encodeKey(key), types);
        for (int i = 0; i < key.length; i++) assertThat(Values.same(back[i], key[i])).as("value " + i).isTrue();
        assertThat(back[2]).isEqualTo(new BigDecimal("1.500"));
        assertThat(back[0]).isEqualTo("a,b\\c\\N");
    }

    @Test
    void copyTextEscapesSeparatorsAndBackslashes() {
        StringBuilder sb = new StringBuilder();
        PostgresWriter.appendValue(sb, "a\tb\nc\rd\\e\\N");
        sb.append('|');
        PostgresWriter.appendValue(sb, null);
        sb.append('|');
        PostgresWriter.appendValue(sb, new byte[]{1, (byte) 0xab});
        assertThat(sb.toString()).isEqualTo("a\\tb\\nc\\rd\\\\e\\\\N|\\N|\\\\x01ab");
    }
}
