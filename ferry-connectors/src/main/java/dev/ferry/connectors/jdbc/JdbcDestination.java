package dev.ferry.connectors.jdbc;

import dev.ferry.quality.dedup.DedupPlanner;
import dev.ferry.quality.dedup.DedupSettings;
import dev.ferry.spi.Column;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.time.Clock;

/** A database to write into; {@link #open} prepares the table (schema, table, replace's new table) and picks a writer. */
final class JdbcDestination implements Destination {
    static final String NEW_SUFFIX = "__ferry_new";
    static final String OLD_SUFFIX = "__ferry_old";

    private final Jdbc.Settings settings;
    private final String configTable;
    private final boolean createSchema;
    private final Connection connection;
    private final Optional<DedupSettings> dedup;

    JdbcDestination(Jdbc.Settings settings, String table, boolean createSchema) {
        this(settings, table, createSchema, Optional.empty());
    }

    JdbcDestination(Jdbc.Settings settings, String table, boolean createSchema, Optional<DedupSettings> dedup) {
        this.settings = settings;
        this.dedup = dedup;
        this.configTable = table;
        this.createSchema = createSchema;
        this.connection = Jdbc.connect(settings); // fail fast on a bad URL or password
    }

    /** Names of the table a run writes: the final one and, for REPLACE, the one being loaded. */
    record Names(String schema, String table, String writeTable, Dialect dialect) {
        String qualified(String t) {
            return (schema == null ? "" : dialect.quoteFolded(schema) + ".") + dialect.quoteFolded(t);
        }

        String target() {
            return qualified(writeTable);
        }

        String display() {
            return (schema == null ? "" : schema + ".") + table;
        }
    }

    /** Plain writers each hold their own connection and stage; a dedup writer matches across batches, so not it. */
    @Override
    public boolean concurrentWriters() {
        return dedup.isEmpty();
    }

    @Override
    public DestinationWriter open(Schema schema, WriteSpec spec) {
        Target t = target(schema, spec, spec.mode() == WriteMode.REPLACE);
        Names names = t.names();
        if (dedup.isPresent()) checkDedup(schema, spec, t.key());
        try (Statement st = connection.createStatement()) {
            connection.setAutoCommit(true);
            if (names.schema() != null) ensureSchema(st, names.schema(), names.dialect());
            if (spec.mode() == WriteMode.REPLACE && spec.fresh()) st.execute("DROP TABLE IF EXISTS " + names.target());
            // APPEND inserts every row, so its table gets no key that would refuse a repeated one
            st.execute(createTableSql(names, schema, spec.mode() == WriteMode.APPEND ? List.of() : t.key()));
            if (dedup.isPresent()) DedupWriter.createTables(st, names, names.dialect());
        } catch (SQLException e) {
            throw new SyncException("cannot prepare table " + names.display() + " in " + settings.safeUrl() + ": "
                    + Jdbc.firstLine(e.getMessage()), e);
        }
        if (dedup.isPresent()) return new DedupWriter(settings, names, schema, t.key(), spec, dedup.get(), Clock.systemUTC());
        return names.dialect() == Dialect.POSTGRES
                ? new PostgresWriter(settings, names, schema, t.key(), spec)
                : new RowWriter(settings, names, schema, t.key(), spec);
    }

    /**
     * A preview compares with the table as it is now (REPLACE too: with the table it would replace), creates nothing,
     * and rolls back whatever it did; a missing table previews as empty.
     */
    @Override
    public DestinationWriter openPreview(Schema schema, WriteSpec spec) {
        Target t = target(schema, spec, false);
        Names names = t.names();
        WriteSpec previewSpec = new WriteSpec(spec.table(), spec.key(), spec.mode(), spec.syncName(), false, false);
        if (dedup.isPresent()) {
            // the run's planner against the stored masters, lineage and index (missing ones: empty), writing nothing
            checkDedup(schema, spec, t.key());
            boolean index = tableExists(beside(names, "__links")) && tableExists(beside(names, "__match_keys"));
            return DedupWriter.preview(settings, names, schema, t.key(), previewSpec, dedup.get(), tableExists(names), index);
        }
        if (!tableExists(names)) return new MissingTablePreview(names, schema, t.key(), spec.mode());
        return names.dialect() == Dialect.POSTGRES
                ? new PostgresWriter(settings, names, schema, t.key(), previewSpec)
                : new RowWriter(settings, names, schema, t.key(), previewSpec);
    }

    /** A table beside the destination table (the dedup lineage and index). */
    private static Names beside(Names names, String suffix) {
        return new Names(names.schema(), names.table() + suffix, names.table() + suffix, names.dialect());
    }

    private record Target(Names names, List<String> key) {
    }

    private Target target(Schema schema, WriteSpec spec, boolean replace) {
        Dialect dialect = settings.dialect();
        String table = spec.table() == null || spec.table().isBlank() ? configTable : spec.table();
        String[] parts = Dialect.splitTable(table, settings.path() + ".table");
        String schemaName = parts.length == 2 ? parts[0] : null;
        String tableName = parts[parts.length - 1];
        for (Column c : schema.columns()) {
            if (!Dialect.isIdentifier(c.name())) {
                throw new ConfigException("source: column name '" + c.name() + "' cannot be created in " + table
                        + "; use letters, digits, _ and $ (alias it in source.query)");
            }
        }
        List<String> key = new ArrayList<>();
        for (String k : spec.key()) {
            key.add(schema.find(k).orElseThrow(() -> new ConfigException("source.key: column '" + k
                    + "' is not in the source; its columns are " + schema.names())).name());
        }
        return new Target(new Names(schemaName, tableName, replace ? tableName + NEW_SUFFIX : tableName, dialect), key);
    }

    /** Whether the table exists, by selecting nothing from it (read-only, any dialect). */
    private boolean tableExists(Names names) {
        try (Statement st = connection.createStatement()) {
            connection.setAutoCommit(true);
            st.executeQuery("SELECT 1 FROM " + names.target() + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            if (Jdbc.isConnectionError(e)) {
                throw new SyncException("cannot read table " + names.display() + " in " + settings.safeUrl() + ": "
                        + Jdbc.firstLine(e.getMessage()), e);
            }
            return false;
        }
    }

    /** Dedup needs upsert, one key column (masters are keyed by it) and every field its rules read. */
    private void checkDedup(Schema schema, WriteSpec spec, List<String> key) {
        List<String> problems = new ArrayList<>();
        if (spec.mode() != WriteMode.UPSERT) {
            problems.add("destination.mode: dedup writes in upsert mode; remove mode: or set mode: upsert");
        }
        if (key.size() != 1) {
            problems.add("source.key: dedup needs exactly one key column (masters are keyed by it); got " + key);
        }
        List<String> missing = DedupPlanner.missingFields(dedup.orElseThrow().rules(), schema.names());
        // a preset's fields are optional (a missing one is empty everywhere); rules written by the user must fit
        if (!missing.isEmpty() && !dedup.get().preset()) {
            problems.add("dedup.rules: fields " + missing + " are not columns of the source (its columns are " + schema.names()
                    + "); rename them in the rules or alias them in source.query");
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    private void ensureSchema(Statement st, String schemaName, Dialect dialect) throws SQLException {
        if (createSchema) {
            st.execute((dialect == Dialect.MARIADB ? "CREATE DATABASE IF NOT EXISTS " : "CREATE SCHEMA IF NOT EXISTS ")
                    + dialect.quoteFolded(schemaName));
            return;
        }
        var rs = connection.getMetaData().getSchemas();
        boolean found = false;
        if (dialect == Dialect.MARIADB) rs = connection.getMetaData().getCatalogs();
        while (rs.next()) found |= rs.getString(1).equalsIgnoreCase(schemaName);
        rs.close();
        if (!found) {
            throw new ConfigException(settings.path() + ".table: schema " + schemaName + " does not exist in "
                    + settings.safeUrl() + "; create it or set " + settings.path() + ".createSchema: true");
        }
    }

    static String createTableSql(Names names, Schema schema, List<String> key) {
        Dialect d = names.dialect();
        StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(names.target()).append(" (");
        for (Column c : schema.columns()) {
            boolean isKey = key.stream().anyMatch(k -> k.equalsIgnoreCase(c.name()));
            sb.append(d.quoteFolded(c.name())).append(' ').append(d.ddlType(c, isKey));
            if (isKey || !c.nullable()) sb.append(" NOT NULL");
            sb.append(", ");
        }
        if (!key.isEmpty()) {
            // PostgreSQL index names are per schema: name the key after the final table so a replace can swap it in
            if (d == Dialect.POSTGRES) sb.append("CONSTRAINT ").append(d.quoteFolded(names.writeTable() + "_pkey")).append(' ');
            sb.append("PRIMARY KEY (");
            for (int i = 0; i < key.size(); i++) sb.append(i > 0 ? ", " : "").append(d.quoteFolded(key.get(i)));
            sb.append(")");
        } else {
            sb.setLength(sb.length() - 2);
        }
        sb.append(")");
        // binary collation: keys "a" and "A" are different rows, as in the source
        if (d == Dialect.MARIADB) sb.append(" DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
        return sb.toString();
    }

    @Override
    public void close() {
        Jdbc.closeQuietly(connection);
    }
}
