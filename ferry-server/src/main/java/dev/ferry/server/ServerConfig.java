package dev.ferry.server;

import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.core.Connectors;
import dev.ferry.core.Engine;
import dev.ferry.core.StateStore;
import dev.ferry.core.config.SyncFileLoader;
import dev.ferry.store.JdbcStateStore;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.Optional;

/** The server's shared parts: one database (server tables + run state + db-scheduler), the engine, the parser. */
@Configuration(proxyBeanMethods = false)
public class ServerConfig {
    private static final Logger log = LoggerFactory.getLogger(ServerConfig.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The server's tables are migrated before anything (db-scheduler included) uses the pool. */
    @Bean(destroyMethod = "close")
    DataSource dataSource(FerryProperties props) {
        Database db = Database.of(props.state());
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(Database.withDefaults(props.state()));
        hc.setMaximumPoolSize(12);
        hc.setPoolName("ferry-server");
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            migrate(ds, props.state());
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        log.info("state: {}", Database.redact(props.state()));
        return ds;
    }

    /** The server's own tables, from db/ferry-server/{vendor} with their own history table. */
    static void migrate(DataSource ds, String url) {
        FluentConfiguration fc = Flyway.configure(ServerConfig.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:db/ferry-server/" + Database.of(url).migrations)
                .table("ferry_server_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .failOnMissingLocations(true);
        Database.postgresSchema(url).ifPresent(s -> fc.schemas(s).createSchemas(true));
        fc.load().migrate();
    }

    @Bean(destroyMethod = "close")
    StateStore stateStore(FerryProperties props, DataSource migratedFirst) {
        return JdbcStateStore.open(props.state()).leaseTimeout(props.leaseTimeout());
    }

    @Bean
    Connectors connectors() {
        return Connectors.load();
    }

    @Bean
    Engine engine(StateStore store, Connectors connectors, Clock clock, FerryProperties props) {
        return new Engine(store, connectors, clock).heartbeatEvery(props.engineHeartbeat());
    }

    /** Definitions come from tenants: no ${ENV} substitution (it would hand out the server's environment). */
    @Bean
    SyncFileLoader syncFileLoader(Connectors connectors) {
        return new SyncFileLoader(connectors, name -> null);
    }

    @Bean
    SecretBox secretBox(FerryProperties props) {
        return SecretBox.fromConfig(props);
    }

    /** Task data are plain strings and records of strings: Java serialization keeps them independent of Jackson. */
    @Bean
    DbSchedulerCustomizer dbSchedulerCustomizer() {
        return new DbSchedulerCustomizer() {
            @Override
            public Optional<Serializer> serializer() {
                return Optional.of(new JavaSerializer());
            }
        };
    }

    @Bean
    WebMvcConfigurer cors(FerryProperties props) {
        return new WebMvcConfigurer() {
            @Override
            public void addCorsMappings(CorsRegistry registry) {
                if (props.corsOrigins().isEmpty()) return;
                registry.addMapping("/api/v1/**")
                        .allowedOrigins(props.corsOrigins().toArray(String[]::new))
                        .allowedMethods("GET", "POST", "PUT", "DELETE")
                        .allowedHeaders("Authorization", "Content-Type")
                        .exposedHeaders("Location", "Retry-After");
            }
        };
    }
}
