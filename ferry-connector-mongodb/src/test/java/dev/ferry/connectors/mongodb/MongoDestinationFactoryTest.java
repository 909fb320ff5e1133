package dev.ferry.connectors.mongodb;

import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class MongoDestinationFactoryTest {

    private static List<String> problems(Map<String, Object> values) {
        List<String> problems = new ArrayList<>();
        new MongoDestinationFactory().validate(new ConnectorConfig("destination", values), problems);
        return problems;
    }

    @Test
    void reportsEveryMissingKeyWithItsPathAndFix() {
        List<String> p = problems(Map.of("type", "mongodb"));
        assertThat(p).hasSize(3);
        assertThat(p.get(0)).startsWith("destination.url: required; ").contains("mongodb://");
        assertThat(p.get(1)).startsWith("destination.database: required; ");
        assertThat(p.get(2)).startsWith("destination.table: required; ");
    }

    @Test
    void rejectsBadUrlsDatabaseAndCollectionNamesWithoutShowingThePassword() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("url", "jdbc:mongodb://bob:hunter2@db:27017");
        v.put("database", "my.db");
        v.put("table", "system.users");
        List<String> p = problems(v);
        assertThat(p).hasSize(3);
        assertThat(p.get(0)).startsWith("destination.url: ").contains("mongodb://").doesNotContain("hunter2").doesNotContain("bob");
        assertThat(p.get(1)).startsWith("destination.database: ").contains("'.'");
        assertThat(p.get(2)).startsWith("destination.table: ").contains("system.");
        v.put("url", "mongodb://bob:hunter2@db:27017/?w=notanumber&readPreference=nonsense");
        assertThat(problems(v)).first().asString().startsWith("destination.url: ").doesNotContain("hunter2");
        Throwable e = catchThrowable(() -> new MongoDestinationFactory().open(new ConnectorConfig("destination", v)));
        assertThat(e).isInstanceOf(ConfigException.class);
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void acceptsAGoodConfigAndCollectionAsAnAliasForTable() {
        assertThat(problems(Map.of("url", "mongodb://u:p@127.0.0.1:27017/?authSource=admin", "database", "analytics",
                "table", "orders"))).isEmpty();
        assertThat(problems(Map.of("url", "mongodb+srv://cluster0.example.net", "database", "analytics",
                "collection", "orders"))).isEmpty();
        assertThat(problems(Map.of("url", "mongodb://h", "database", "a", "table", "x", "collection", "y")))
                .singleElement().asString().startsWith("destination.collection: ");
    }

    @Test
    void redactsUserInfoAndPasswordParameters() {
        assertThat(MongoSettings.redact("mongodb://alice:s3cret@h1:27017,h2/db?authSource=admin"))
                .isEqualTo("mongodb://***:***@h1:27017,h2/db?authSource=admin");
        assertThat(MongoSettings.redact("mongodb+srv://alice@cluster0.x.net/?password=zz&w=1"))
                .isEqualTo("mongodb+srv://***:***@cluster0.x.net/?password=***&w=1");
        assertThat(MongoSettings.redact("mongodb://h:27017")).isEqualTo("mongodb://h:27017");
    }
}
