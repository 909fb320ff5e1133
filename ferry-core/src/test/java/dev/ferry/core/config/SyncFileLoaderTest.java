package dev.ferry.core.config;

import dev.ferry.core.Connectors;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceFactory;
import dev.ferry.spi.WriteMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncFileLoaderTest {
    static final class DbSources implements SourceFactory {
        public Set<String> types() {
            return Set.of("postgres", "h2");
        }

        public void validate(ConnectorConfig c, List<String> problems) {
            c.require("url", problems, "give a JDBC URL");
        }

        public Source open(ConnectorConfig c) {
            throw new UnsupportedOperationException();
        }
    }

    static final Connectors CONNECTORS = new Connectors().add(new DbSources()).add(new DestinationFactory() {
        public Set<String> types() {
            return Set.of("postgres", "h2");
        }

        public void validate(ConnectorConfig c, List<String> problems) {
            c.require("url", problems, "give a JDBC URL");
        }

        public Destination open(ConnectorConfig c) {
            throw new UnsupportedOperationException();
        }
    });

    SyncFileLoader loader(Map<String, String> env) {
        return new SyncFileLoader(CONNECTORS, env::get);
    }

    @Test
    void readsTheDesignDocExampleWithDefaultsAndEnvSubstitution() {
        SyncFile f = loader(Map.of("PGPASSWORD", "pw")).parse("""
                name: taskdetail
                source:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:5432/test
                  user: ${PGUSER:-postgres}
                  password: ${PGPASSWORD}
                  table: bench_src.taskdetail
                  key: [taskdetailkey]
                  cursor: editdate
                destination:
                  type: postgres
                  url: jdbc:postgresql://127.0.0.1:5432/test
                  table: bench_dst.taskdetail
                  mode: upsert
                batch:
                  size: 10000
                """, Path.of("/tmp"), "/tmp/taskdetail.yaml");
        var job = f.job();
        assertThat(job.name()).isEqualTo("taskdetail");
        assertThat(job.source().string("user")).contains("postgres");
        assertThat(job.source().string("password")).contains("pw");
        assertThat(job.key()).containsExactly("taskdetailkey");
        assertThat(job.cursor()).contains("editdate");
        assertThat(job.mode()).isEqualTo(WriteMode.UPSERT);
        assertThat(job.batchSize()).isEqualTo(10_000);
        assertThat(job.retry().initialDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(job.retry().maxAttempts()).isEqualTo(5);
        assertThat(f.stateUrl()).isEqualTo(SyncFileLoader.DEFAULT_STATE);
    }

    @Test
    void reportsEveryProblemAtOnceWithKeyPathAndFix() {
        assertThatThrownBy(() -> loader(Map.of()).parse("""
                source:
                  type: postgress
                  tabel: x
                destination:
                  type: h2
                  mode: merge
                batch:
                  size: -5
                retry:
                  initialDelay: soon
                  maxAtempts: 3
                """, Path.of("/tmp"), "/tmp/bad.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).startsWith("source.type: unknown type 'postgress' (did you mean 'postgres'?)"))
                        .anySatisfy(p -> assertThat(p).startsWith("destination.url: required"))
                        .anySatisfy(p -> assertThat(p).startsWith("destination.table: required"))
                        .anySatisfy(p -> assertThat(p).startsWith("destination.mode: 'merge' is not a mode; use upsert, append or replace"))
                        .anySatisfy(p -> assertThat(p).startsWith("source.key: required"))
                        .anySatisfy(p -> assertThat(p).startsWith("batch.size: -5 is out of range"))
                        .anySatisfy(p -> assertThat(p).startsWith("retry.initialDelay: 'soon' is not a duration"))
                        .anySatisfy(p -> assertThat(p).startsWith("retry.maxAtempts: unknown key (did you mean 'maxAttempts'?)")));
    }

    @Test
    void unsetVariableWithoutDefaultIsAProblemNamingTheKey() {
        assertThatThrownBy(() -> loader(Map.of()).parse("""
                source: {type: h2, url: "jdbc:h2:mem:x", key: id, password: "${DB_SECRET}"}
                destination: {type: h2, url: "jdbc:h2:mem:y", table: t}
                """, Path.of("/tmp"), "/tmp/x.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "source.password: environment variable DB_SECRET is not set; export it, or write ${DB_SECRET:-default}"));
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> loader(Map.of()).parse("source: [\n  type: x\n", Path.of("/tmp"), "/tmp/y.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML at line");
    }

    @Test
    void relativeCsvPathIsResolvedAgainstTheSyncFilesFolder() {
        Connectors c = new Connectors().add(new SourceFactory() {
            public Set<String> types() {
                return Set.of("csv");
            }

            public void validate(ConnectorConfig config, List<String> problems) {
            }

            public Source open(ConnectorConfig config) {
                throw new UnsupportedOperationException();
            }
        }).add(CONNECTORS.requireDestination("h2"));
        SyncFile f = new SyncFileLoader(c, k -> null).parse("""
                source: {type: csv, path: data/people.csv, key: [id]}
                destination: {type: h2, url: "jdbc:h2:mem:y", table: people}
                """, Path.of("/srv/syncs"), "/srv/syncs/people.yaml");
        assertThat(f.job().source().string("path")).contains("/srv/syncs/data/people.csv");
        assertThat(f.job().name()).isEqualTo("people");
    }

    @Test
    void transformAndDeriveProblemsAreReportedAtOnceWithTheRest() {
        assertThatThrownBy(() -> loader(Map.of()).parse("""
                source: {type: postgres, url: "jdbc:postgresql://h/db", table: a, key: [id]}
                destination: {type: postgres, url: "jdbc:postgresql://h/db", table: b, mode: append}
                batch: {size: 0}
                transform:
                  mapping:
                    id: id
                    full: first &
                    when_: {expr: signup, type: date, format: "yyyy-MM-dd'"}
                    n: {expr: x, type: bigint, formt: "#"}
                  validate:
                    email: {pattern: "([a-z", typ: string}
                    age: {min: ten}
                derive:
                  - when: "country ="
                    mapping: {c: country}
                """, null, "bad.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith("batch.size:"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.mapping.full: expression does not parse"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.mapping.when_.format:"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.mapping.n.formt: unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.validate.email.pattern: not a regular expression"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.validate.email.typ: unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.validate.age.min:"))
                        .anySatisfy(p -> assertThat(p).startsWith("derive[0].table: required"))
                        .anySatisfy(p -> assertThat(p).startsWith("derive[0].when: expression does not parse"))
                        .anySatisfy(p -> assertThat(p).startsWith("derive: derived tables need destination.mode: upsert")));
    }

    @Test
    void aValidTransformIsFrozenIntoTheJob() {
        SyncFile f = loader(Map.of()).parse("""
                source: {type: postgres, url: "jdbc:postgresql://h/db", table: a, key: [id]}
                destination: {type: postgres, url: "jdbc:postgresql://h/db", table: b}
                transform:
                  key: [account_id]
                  lookups: {countries: {DE: Germany}}
                  mapping:
                    account_id: id
                    amount: {expr: amount_text, type: "decimal(10,2)", format: "#,##0.00"}
                    source_system: "'crm'"
                  validate:
                    amount: {required: true, min: 0}
                derive:
                  - table: b_profile
                    when: $exists(industry)
                    mapping: {industry: industry}
                """, null, "ok.yaml");
        var t = f.job().transform();
        assertThat(t.mapping()).extracting(m -> m.name()).containsExactly("account_id", "amount", "source_system");
        assertThat(t.mapping().get(1).format()).contains("#,##0.00");
        assertThat(t.key()).containsExactly("account_id");
        assertThat(t.rules()).singleElement().satisfies(r -> assertThat(r.min()).contains("0"));
        assertThat(t.derive()).singleElement().satisfies(d -> assertThat(d.table()).isEqualTo("b_profile"));
        assertThat(f.job().options()).containsEntry("transform", true).containsEntry("derive", List.of("b_profile"));
    }

    @Test
    void fromMapValidatesATreeLiterallyWithEveryProblem() {
        Map<String, Object> ok = Map.of("name", "orders",
                "source", Map.of("type", "postgres", "url", "jdbc:postgresql://db/x", "password", "${SECRET}", "table", "o", "key", List.of("id")),
                "destination", Map.of("type", "h2", "url", "jdbc:h2:mem:x", "table", "o"));
        SyncFile f = loader(Map.of("SECRET", "leaked")).fromMap(ok, null, "api");
        assertThat(f.job().name()).isEqualTo("orders");
        assertThat(f.job().key()).containsExactly("id");
        // no ${ENV} substitution for definitions that come from an API
        assertThat(f.job().source().string("password")).contains("${SECRET}");

        Map<String, Object> bad = Map.of("name", "bad name",
                "source", Map.of("type", "postgrez"),
                "destination", Map.of("type", "h2", "url", "jdbc:h2:mem:x"),
                "batch", Map.of("size", 0));
        assertThatThrownBy(() -> loader(Map.of()).fromMap(bad, null, "api"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("name:"))
                        .anyMatch(p -> p.startsWith("source.type:"))
                        .anyMatch(p -> p.startsWith("destination.table:"))
                        .anyMatch(p -> p.startsWith("batch.size:")));
    }
}
