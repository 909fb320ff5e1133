package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.Plan;
import dev.ferry.spi.RangeDigest;
import dev.ferry.spi.KeyRange;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.Source;
import dev.ferry.spi.SyncException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** A table or query read in key order. The schema comes from the result set metadata of a 1=0 probe. */
final class JdbcSource implements Source {
    private final Jdbc.Settings settings;
    private final Dialect dialect;
    private final String from;       // "schema"."table" or (query) q
    private final String what;       // for messages
    private final boolean isTable;   // a table (not a query): its pages can be sampled
    private final int fetchSize;
    private final Connection connection; // for schema() and plan(); readers open their own
    private final Schema schema;
    private final List<String> typeNames = new ArrayList<>(); // database type names, lower case
    private final boolean rowVersioned; // PostgreSQL heap relation: its rows carry xmin

    JdbcSource(Jdbc.Settings settings, Optional<String> table, Optional<String> query, int fetchSize) {
        this.settings = settings;
        this.dialect = settings.dialect();
        this.fetchSize = fetchSize;
        if (table.isPresent()) {
            this.from = dialect.qualifiedTable(table.get(), settings.path() + ".table");
            this.what = "table " + table.get();
            this.isTable = true;
        } else {
            this.isTable = false;
            this.from = "(" + stripSemicolon(query.orElseThrow()) + ") q";
            this.what = "query";
        }
        this.connection = Jdbc.connect(settings);
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + from + " WHERE 1=0")) {
            ResultSetMetaData md = rs.getMetaData();
            List<Column> cols = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                cols.add(Values.column(md, i, dialect));
                String tn = md.getColumnTypeName(i);
                typeNames.add(tn == null ? "" : tn.toLowerCase(java.util.Locale.ROOT));
            }
            this.schema = new Schema(cols);
        } catch (SQLException e) {
            Jdbc.closeQuietly(connection);
            if (table.isPresent() && Jdbc.isMissingTable(e)) {
                throw new ConfigException(settings.path() + ".table: table " + table.get() + " does not exist in "
                        + settings.safeUrl() + "; check the name (schema.table)");
            }
            if (table.isEmpty()) {
                throw new ConfigException(settings.path() + ".query: the query fails on " + settings.safeUrl() + ": "
                        + Jdbc.firstLine(e.getMessage()) + "; check the SQL");
            }
            throw new SyncException("cannot read " + what + " in " + settings.safeUrl() + ": " + Jdbc.firstLine(e.getMessage()), e);
        }
        // now, while the connection is idle: readers on other threads ask, and the count may hold it later
        this.rowVersioned = heapRelation();
    }

    private static String stripSemicolon(String q) {
        String s = q.strip();
        while (s.endsWith(";")) s = s.substring(0, s.length() - 1).strip();
        return s;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    Jdbc.Settings settings() {
        return settings;
    }

    String from() {
        return from;
    }

    String what() {
        return what;
    }

    int fetchSize() {
        return fetchSize;
    }

    /** The cursor filter "c > ? AND c <= ?" (parts present per spec) and its parameters, or "" when none. */
    Filter cursorFilter(ReadSpec spec) {
        if (spec.cursor().isEmpty()) return new Filter("", List.of(), List.of());
        Column c = column(spec.cursor().get(), "cursor");
        List<String> parts = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        String q = dialect.quoteExact(c.name());
        spec.cursorFrom().ifPresent(v -> {
            parts.add(q + " > ?");
            params.add(Values.parse(v, c.type()));
            types.add(c.type());
        });
        spec.cursorTo().ifPresent(v -> {
            parts.add(q + " <= ?");
            params.add(Values.parse(v, c.type()));
            types.add(c.type());
        });
        return new Filter(String.join(" AND ", parts), params, types);
    }

    record Filter(String sql, List<Object> params, List<ColumnType> types) {
        int bind(PreparedStatement ps, int start, Dialect dialect) throws SQLException {
            int i = start;
            for (int p = 0; p < params.size(); p++) Values.bind(ps, i++, params.get(p), types.get(p), dialect);
            return i;
        }
    }

    Column column(String name, String key) {
        return schema.find(name).orElseThrow(() -> new ConfigException(settings.path() + "." + key + ": column '" + name
                + "' is not in the source; its columns are " + schema.names()));
    }

    @Override
    public Plan plan(ReadSpec spec) {
        Filter filter = cursorFilter(spec);
        Optional<Column> cursor = spec.cursor().map(c -> column(c, "cursor"));
        String sql = "SELECT count(*)" + cursor.map(c -> ", max(" + dialect.quoteExact(c.name()) + ")").orElse("")
                + " FROM " + from + (filter.sql().isEmpty() ? "" : " WHERE " + filter.sql());
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            filter.bind(ps, 1, dialect);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long count = rs.getLong(1);
                Optional<String> to = spec.cursorTo();
                if (cursor.isPresent() && to.isEmpty()) {
                    Object max = Values.reader(cursor.get().type(), dialect).read(rs, 2);
                    to = max == null ? Optional.empty() : Optional.of(Values.format(max));
                }
                return new Plan(OptionalLong.of(count), OptionalLong.empty(), to);
            }
        } catch (SQLException e) {
            throw new SyncException("cannot count " + what + " in " + settings.safeUrl() + ": " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public SourceReader open(ReadSpec spec, Optional<String> resumeAfter) {
        if (copyReadable()) return new PgCopyReader(this, spec, resumeAfter);
        return new JdbcSourceReader(this, spec, resumeAfter);
    }

    /** Keyset readers deliver each key once, in ascending order. */
    @Override
    public boolean deliversAscendingUniqueKeys() {
        return true;
    }

    /** PostgreSQL type names whose COPY text form {@link CopyTextRows} decodes to what the row reader reads. */
    private static final java.util.Map<ColumnType, java.util.Set<String>> COPY_TYPES = java.util.Map.ofEntries(
            java.util.Map.entry(ColumnType.STRING, java.util.Set.of("varchar", "text", "bpchar")),
            java.util.Map.entry(ColumnType.TEXT, java.util.Set.of("varchar", "text", "bpchar")),
            java.util.Map.entry(ColumnType.JSON, java.util.Set.of("json", "jsonb")),
            java.util.Map.entry(ColumnType.BOOLEAN, java.util.Set.of("bool")),
            java.util.Map.entry(ColumnType.SMALLINT, java.util.Set.of("int2", "smallserial")),
            java.util.Map.entry(ColumnType.INTEGER, java.util.Set.of("int4", "serial")),
            java.util.Map.entry(ColumnType.BIGINT, java.util.Set.of("int8", "bigserial")),
            java.util.Map.entry(ColumnType.DECIMAL, java.util.Set.of("numeric")),
            java.util.Map.entry(ColumnType.REAL, java.util.Set.of("float4")),
            java.util.Map.entry(ColumnType.DOUBLE, java.util.Set.of("float8")),
            java.util.Map.entry(ColumnType.DATE, java.util.Set.of("date")),
            java.util.Map.entry(ColumnType.TIME, java.util.Set.of("time")),
            java.util.Map.entry(ColumnType.TIMESTAMP, java.util.Set.of("timestamp")),
            java.util.Map.entry(ColumnType.TIMESTAMPTZ, java.util.Set.of("timestamptz")),
            java.util.Map.entry(ColumnType.BYTES, java.util.Set.of("bytea")),
            java.util.Map.entry(ColumnType.UUID, java.util.Set.of("uuid")));

    /** True when this is PostgreSQL and every column has a type whose COPY text {@link CopyTextRows} decodes exactly. */
    boolean copyReadable() {
        if (dialect != Dialect.POSTGRES || Boolean.getBoolean("ferry.pg.noCopyRead")) return false;
        for (int i = 0; i < schema.size(); i++) {
            if (!COPY_TYPES.get(schema.column(i).type()).contains(typeNames.get(i))) return false;
        }
        return true;
    }

    /** The type to cast a parameter to when comparing it with column {@code i} (PostgreSQL). */
    String castType(int i) {
        return switch (typeNames.get(i)) {
            case "serial" -> "int4";
            case "bigserial" -> "int8";
            case "smallserial" -> "int2";
            case "varchar" -> "text";
            default -> typeNames.get(i);
        };
    }

    /**
     * True for a PostgreSQL table, partitioned table or materialized view (not a view, query or foreign table):
     * every row version carries the id of the transaction that wrote it ({@code xmin}), so range digests can hash
     * key and row version instead of the whole row's text — a change writes a new version, and the server hashes a
     * few bytes per row instead of formatting every column.
     */
    boolean rowVersioned() {
        return rowVersioned;
    }

    private boolean heapRelation() {
        if (!isTable || dialect != Dialect.POSTGRES || Boolean.getBoolean("ferry.pg.rowTextDigests")) return false;
        try (PreparedStatement ps = connection.prepareStatement("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && java.util.Set.of("r", "p", "m").contains(rs.getString(1));
            }
        } catch (SQLException e) {
            Jdbc.closeQuietly(connection);
            throw new SyncException("cannot look up " + what + " in " + settings.safeUrl() + ": " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Pages sampled to place the split points: tens of thousands of keys, whatever the table's size, in ~10 ms. A
     * lane that gets more rows than the others sets the pass's time: with 100 pages the benchmark table split
     * 36 % / 64 % (the sample's median is off by ~1/(2√pages) of the table, and REPEATABLE makes it the same every
     * run); with 1,000 pages, 49.6 % / 50.4 %.
     */
    private static final int SAMPLE_PAGES = 1_000;

    /**
     * Key ranges of similar size, from the keys on a random sample of the table's pages ({@code TABLESAMPLE
     * SYSTEM}: no scan of the table). Only where the COPY reader runs (it reads key ranges), for a one-column key of
     * a table; none when the sample suggests fewer than four batches a part. The cursor filter is left out of the
     * sample: the rows a filter selects often sit on a few pages (the ones updated last), which a sample of pages
     * sees badly; the engine counts them instead.
     */
    @Override
    public List<KeyRange> split(ReadSpec spec, int parts) {
        if (parts < 2 || !isTable || !copyReadable() || spec.key().size() != 1) return List.of();
        Column key = column(spec.key().get(0), "key");
        if (PgRangeDigests.keyType(key.type()).isEmpty()) return List.of();
        try {
            long pages;
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT pg_relation_size(to_regclass(?)) / current_setting('block_size')::int")) {
                ps.setString(1, from);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    pages = rs.getLong(1);
                }
            }
            if (pages < 2L * parts) return List.of();
            double percent = Math.min(100.0, 100.0 * SAMPLE_PAGES / pages);
            List<Object> sample = new ArrayList<>();
            String sql = "SELECT " + dialect.quoteExact(key.name()) + " FROM " + from + " TABLESAMPLE SYSTEM (" + percent
                    + ") REPEATABLE (0) ORDER BY " + dialect.quoteExact(key.name());
            Values.Reader reader = Values.reader(key.type(), dialect);
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) sample.add(reader.read(rs, 1));
            }
            double estimatedRows = sample.size() * 100.0 / percent;
            int worth = (int) Math.min(parts, estimatedRows / (4.0 * spec.batchSize()));
            if (worth < 2) return List.of();
            List<KeyRange> out = new ArrayList<>();
            Optional<String> from = Optional.empty();
            for (int p = 1; p < worth; p++) {
                Object at = sample.get((int) ((long) sample.size() * p / worth));
                if (at == null) continue;
                Optional<String> to = Optional.of(Values.encodeKey(new Object[]{at}));
                if (to.equals(from)) continue;
                out.add(new KeyRange(from, to));
                from = to;
            }
            out.add(new KeyRange(from, Optional.empty()));
            return out.size() < 2 ? List.of() : out;
        } catch (SQLException e) {
            throw new SyncException("cannot sample the keys of " + what + " in " + settings.safeUrl() + ": "
                    + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    /** Only where the COPY reader runs: it is the one that digests batches and reads key ranges. */
    @Override
    public Optional<List<RangeDigest>> digestRanges(ReadSpec spec, List<String> thresholds) {
        if (!copyReadable()) return Optional.empty();
        try (java.sql.Statement st = connection.createStatement()) {
            for (String setting : PgCopyReader.SESSION) st.execute(setting); // the row text must be the COPY's
            st.execute("SET jit = off"); // compiling the scan costs more than it saves on one pass
            // a few groups: hash them; the planner cannot estimate width_bucket's groups and sorts every row to disk
            st.execute("SET enable_sort = off");
            return PgRangeDigests.digest(connection, this, schema, dialect, spec, thresholds);
        } catch (SQLException e) {
            throw new SyncException("cannot prepare " + settings.safeUrl() + " for range digests: " + Jdbc.firstLine(e.getMessage()), e);
        } finally {
            try (java.sql.Statement st = connection.createStatement()) {
                st.execute("RESET enable_sort");
                st.execute("RESET jit");
            } catch (SQLException ignored) {
                // the connection is only used for planning queries after this
            }
        }
    }

    @Override
    public void close() {
        Jdbc.closeQuietly(connection);
    }
}
