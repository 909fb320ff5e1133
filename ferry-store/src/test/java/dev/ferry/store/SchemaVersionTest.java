package dev.ferry.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up shortcut trusts SCHEMA_VERSION: it must name the newest migration of every vendor. */
class SchemaVersionTest {
    @Test
    void schemaVersionIsTheNewestMigrationOfEachVendor() throws IOException, URISyntaxException {
        Path root = Path.of(JdbcStateStore.class.getResource("/db/ferry").toURI());
        for (String vendor : new String[]{"h2", "postgresql", "mysql"}) {
            try (Stream<Path> files = Files.list(root.resolve(vendor))) {
                int newest = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                        .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElse(0);
                assertThat(newest).as(vendor).isEqualTo(JdbcStateStore.SCHEMA_VERSION);
            }
        }
    }
}
