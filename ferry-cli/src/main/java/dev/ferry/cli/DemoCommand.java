package dev.ferry.cli;

import dev.ferry.core.Connectors;
import dev.ferry.core.Engine;
import dev.ferry.core.RetrySettings;
import dev.ferry.core.RunInfo;
import dev.ferry.core.StateStore;
import dev.ferry.core.SyncJob;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Runs Ferry on an embedded default: a sample warehouse task-detail table in an H2 source, synced into an H2
 * destination, then synced again to show that an unchanged source rewrites nothing.
 */
@Command(name = "demo", description = "Sync a sample task-detail table between two embedded H2 databases, twice.")
final class DemoCommand implements Callable<Integer> {
    static final String SYNC_NAME = "demo-taskdetail";

    @CommandLine.ParentCommand FerryCli root;
    @Option(names = "--rows", defaultValue = "100000", description = "Sample rows (default ${DEFAULT-VALUE})") int rows;
    @Option(names = "--dir", defaultValue = ".ferry/demo", description = "Where the demo databases live") Path dir;
    @Option(names = "--json", description = "Print both runs as JSON") boolean json;

    @Override
    public Integer call() throws SQLException {
        Path base = dir.toAbsolutePath().normalize();
        String sourceUrl = "jdbc:h2:file:" + base.resolve("source") + ";AUTO_SERVER=TRUE";
        String destUrl = "jdbc:h2:file:" + base.resolve("destination") + ";AUTO_SERVER=TRUE";
        if (!json) System.out.println("Creating " + rows + " sample task-detail rows in " + base.resolve("source") + ".mv.db …");
        createSample(sourceUrl, rows);
        try (Connection c = DriverManager.getConnection(destUrl); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS warehouse");
            s.execute("DROP TABLE IF EXISTS warehouse.taskdetail");
        }
        SyncJob job = new SyncJob(SYNC_NAME, "h2", new ConnectorConfig("source", Map.of("url", sourceUrl,
                "table", "warehouse.taskdetail", "key", List.of("taskdetailkey"))),
                "h2", new ConnectorConfig("destination", Map.of("url", destUrl, "table", "warehouse.taskdetail")),
                "warehouse.taskdetail", List.of("taskdetailkey"), Optional.empty(), WriteMode.UPSERT, 10_000, 2,
                RetrySettings.DEFAULT, true, Optional.empty());
        Connectors connectors = Connectors.load();
        try (StateStore store = FerryCli.openStore(root.stateUrl(Optional.empty()))) {
            Engine engine = new Engine(store, connectors, Clock.systemUTC());
            if (!json) System.out.println("First run: full load H2 → H2");
            RunInfo first = FerryCli.runWithProgress(engine, job, !json);
            if (!json) System.out.println(Console.summary(first));
            if (Console.exitCode(first) != 0) return Console.exitCode(first);
            if (!json) System.out.println("Second run: same source, nothing changed");
            RunInfo second = FerryCli.runWithProgress(engine, job.withFullRefresh(false), !json);
            if (json) {
                Console.json(System.out, List.of(dev.ferry.core.RunViews.asMap(first), dev.ferry.core.RunViews.asMap(second)));
            } else {
                System.out.println(Console.summary(second));
                var c = second.counters();
                System.out.printf("Nothing rewritten: %d inserted, %d updated, %d unchanged.%nSee the runs: ./ferry history %s%n",
                        c.inserted(), c.updated(), c.unchanged(), SYNC_NAME);
            }
            return Console.exitCode(second);
        }
    }

    /** The shape of ../shared/bench/taskdetail.sql, generated inside H2. */
    static void createSample(String url, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS warehouse");
            s.execute("DROP TABLE IF EXISTS warehouse.taskdetail");
            s.execute("""
                    CREATE TABLE warehouse.taskdetail (
                      taskdetailkey varchar(10) PRIMARY KEY, whseid varchar(30) NOT NULL, tasktype varchar(10) NOT NULL,
                      storerkey varchar(15) NOT NULL, sku varchar(50) NOT NULL, lot varchar(10), fromloc varchar(10),
                      toloc varchar(10), fromid varchar(18), toid varchar(18), qty numeric(22,5) NOT NULL, uom varchar(10),
                      status varchar(10) NOT NULL, priority smallint, userkey varchar(18), orderkey varchar(10),
                      orderlinenumber varchar(5), wavekey varchar(10), starttime timestamp with time zone,
                      endtime timestamp with time zone, adddate timestamp with time zone NOT NULL,
                      editdate timestamp with time zone NOT NULL)""");
            String t0 = "TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00'";
            s.execute("INSERT INTO warehouse.taskdetail SELECT "
                    + "LPAD(CAST(X AS VARCHAR), 10, '0'), 'wmwhse' || (1 + MOD(X, 4)), "
                    + pick("X", "PK", "PA", "MV", "RP", "CC", "LD") + ", 'STORER' || (1 + MOD(X, 25)), "
                    + "'SKU-' || LPAD(CAST(MOD(X * 7919, 200000) AS VARCHAR), 6, '0'), LPAD(CAST(MOD(X, 99991) AS VARCHAR), 10, '0'), "
                    + "'L' || LPAD(CAST(MOD(X * 31, 50000) AS VARCHAR), 6, '0'), 'L' || LPAD(CAST(MOD(X * 37, 50000) AS VARCHAR), 6, '0'), "
                    + "'ID' || LPAD(CAST(MOD(X, 777777) AS VARCHAR), 12, '0'), 'ID' || LPAD(CAST(MOD(X + 13, 777777) AS VARCHAR), 12, '0'), "
                    + "CAST(ROUND(MOD(X * 13, 10000) / 7.0, 5) AS NUMERIC(22,5)), " + pick("X", "EA", "CS", "PL") + ", "
                    + pick("X", "0", "3", "9", "X") + ", CAST(MOD(X, 9) AS SMALLINT), 'user' || MOD(X, 300), "
                    + "LPAD(CAST(X / 7 AS VARCHAR), 10, '0'), LPAD(CAST(MOD(X, 40) AS VARCHAR), 5, '0'), LPAD(CAST(X / 500 AS VARCHAR), 10, '0'), "
                    + "DATEADD(SECOND, X, " + t0 + "), DATEADD(SECOND, X + 90, " + t0 + "), DATEADD(SECOND, X, " + t0 + "), "
                    + "DATEADD(SECOND, X * 2, " + t0 + ") FROM SYSTEM_RANGE(1, " + rows + ")");
        } catch (SQLException e) {
            throw new SyncException("cannot create the demo source at " + url + ": " + e.getMessage(), e);
        }
    }

    private static String pick(String x, String... values) {
        StringBuilder sb = new StringBuilder("CASE MOD(" + x + ", " + values.length + ")");
        for (int i = 0; i < values.length; i++) sb.append(" WHEN ").append(i).append(" THEN '").append(values[i]).append('\'');
        return sb.append(" END").toString();
    }
}
