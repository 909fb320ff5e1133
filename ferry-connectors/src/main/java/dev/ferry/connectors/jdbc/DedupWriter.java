package dev.ferry.connectors.jdbc;

import dev.ferry.quality.dedup.DedupPlan;
import dev.ferry.quality.dedup.DedupPlanner;
import dev.ferry.quality.dedup.DedupSettings;
import dev.ferry.quality.dedup.Member;
import dev.ferry.spi.Batch;
import dev.ferry.spi.RowChange;
import dev.ferry.spi.WritePreview;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;


import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upsert with deduplication: each batch is matched against the records already in the destination (through the
 * blocking index {@code <table>__match_keys}) and within itself; the plan (masters to upsert and delete, lineage
 * in {@code <table>__links}, masters merged away) is written in the batch's one transaction, so a crash redoes
 * at most one batch and the redo finds its own commit (all linked, unchanged). Any JDBC dialect.
 */
final class DedupWriter extends JdbcWriter implements DedupPreviewIndex.Stored {
    private static final int CHUNK = 1000;
    /** The session's temporary stage for master rows (PostgreSQL). */
    private static final String STAGE = "ferry_dedup_masters_stage";
    private static final int MAX_BLOCK_KEY = 400;

    private final DedupPlanner planner;
    private final String system;
    private final Clock clock;
    private final String links;
    private final String matchKeys;
    private final ColumnType keyType;
    private final Values.Reader[] readers;
    private final ColumnType[] types;
    private long mergedTotal, mastersRemovedTotal;
    /** nanoseconds spent per phase, for the benchmark's breakdown (logged at close) */
    final long[] nanos = new long[6];
    private static final String[] PHASES = {"links", "candidates", "masters", "plan", "writeMasters", "writeLinks"};
    /**
     * The blocking keys and source keys this run has written, when the index was empty as it began (a first
     * load): a look-up then skips the keys that certainly have no row (most of them) instead of probing for them.
     * Null when the index held rows at the start: every key is looked up.
     */
    private WrittenKeys writtenBlockKeys, writtenSourceKeys;
    private boolean indexChecked;
    /** links written since the planner statistics were refreshed, and how many there were then */
    private long linksSinceAnalyze, linksAtAnalyze;
    /**
     * A preview's writer (from {@code openPreview}): plans every batch as a run would and writes nothing; what the
     * preview's earlier batches would have written lives in {@link #previewIndex}. Null for a run's writer.
     */
    private final DedupPreviewIndex previewIndex;
    /** Whether the stored tables exist (a preview creates none; missing ones read as empty). */
    private final boolean storedMasters, storedIndex;

    DedupWriter(Jdbc.Settings settings, JdbcDestination.Names names, Schema schema, List<String> key, WriteSpec spec,
                DedupSettings dedup, Clock clock) {
        this(settings, names, schema, key, spec, dedup, clock, false, true, true);
    }

    /** A preview's writer: plans against the stored tables (those that exist) and writes nothing. */
    static DedupWriter preview(Jdbc.Settings settings, JdbcDestination.Names names, Schema schema, List<String> key, WriteSpec spec,
                               DedupSettings dedup, boolean storedMasters, boolean storedIndex) {
        return new DedupWriter(settings, names, schema, key, spec, dedup, Clock.systemUTC(), true, storedMasters, storedIndex);
    }

    private DedupWriter(Jdbc.Settings settings, JdbcDestination.Names names, Schema schema, List<String> key, WriteSpec spec,
                        DedupSettings dedup, Clock clock, boolean preview, boolean storedMasters, boolean storedIndex) {
        super(settings, names, schema, key, spec.mode());
        this.planner = new DedupPlanner(dedup.rules(), dedup.strategy(), schema.names(), keyIndexes);
        this.system = dedup.system().orElse(spec.syncName());
        this.clock = clock;
        this.links = names.qualified(names.table() + "__links");
        this.matchKeys = names.qualified(names.table() + "__match_keys");
        this.keyType = schema.column(keyIndexes[0]).type();
        this.readers = Values.readers(schema.columns(), dialect);
        this.types = new ColumnType[schema.size()];
        for (int i = 0; i < types.length; i++) types[i] = schema.column(i).type();
        this.previewIndex = preview ? new DedupPreviewIndex(this, planner) : null;
        this.storedMasters = storedMasters;
        this.storedIndex = storedIndex;
    }

    /** The lineage and blocking tables beside the destination table (idempotent). */
    static void createTables(Statement st, JdbcDestination.Names names, Dialect d) throws SQLException {
        String links = names.qualified(names.table() + "__links");
        String matchKeys = names.qualified(names.table() + "__match_keys");
        String text = d == Dialect.MARIADB ? "LONGTEXT" : "TEXT";
        String ts = d == Dialect.MARIADB ? "DATETIME(6)" : "TIMESTAMP";
        String dbl = d == Dialect.MARIADB ? "DOUBLE" : "DOUBLE PRECISION";
        String tail = d == Dialect.MARIADB ? " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "";
        st.execute("CREATE TABLE IF NOT EXISTS " + links + " (source_key VARCHAR(255) NOT NULL PRIMARY KEY, "
                + "master_key VARCHAR(255) NOT NULL, source_system VARCHAR(255), match_rule VARCHAR(100), score " + dbl + ", "
                + "linked_at " + ts + ", row_hash BIGINT, features " + text + ")" + tail);
        st.execute("CREATE TABLE IF NOT EXISTS " + matchKeys + " (block_key VARCHAR(400) NOT NULL, "
                + "source_key VARCHAR(255) NOT NULL, PRIMARY KEY (block_key, source_key))" + tail);
        // links by master: to move a folded master's lineage. The blocking index needs only its primary key (an
        // updated record's old keys are found from its stored match values), one index less to maintain per key.
        String linksIdx = names.table() + "__links_master";
        st.execute("CREATE INDEX IF NOT EXISTS " + d.quoteFolded(linksIdx) + " ON " + links + " (master_key)");
    }

    @Override
    protected WriteResult writeBatch(Batch batch) throws SQLException {
        if (previewIndex != null) throw new IllegalStateException("a preview of " + names.display() + " does not write");
        DedupPlan plan;
        checkIndex();
        probeByIndex();
        long t0 = System.nanoTime();
        long lookups = nanos[0] + nanos[1] + nanos[2];
        try {
            plan = planner.plan(batch.rows(), this);
        } catch (Sql e) {
            throw (SQLException) e.getCause(); // classified like any other write error
        }
        nanos[3] += System.nanoTime() - t0 - (nanos[0] + nanos[1] + nanos[2] - lookups);
        apply(plan);
        linksSinceAnalyze += plan.links().size();
        mergedTotal += plan.merged();
        mastersRemovedTotal += plan.mastersRemoved();
        return new WriteResult(plan.inserted(), plan.updated(), plan.unchanged(), plan.merged());
    }

    /**
     * Once: whether the index is empty as the run (or preview) begins. A run then skips look-ups of keys it has not
     * written; a preview writes nothing, so its look-ups never reach the tables (its own state is all there is).
     */
    private void checkIndex() throws SQLException {
        if (indexChecked) return;
        if (!storedIndex) {
            writtenBlockKeys = new WrittenKeys();
            writtenSourceKeys = new WrittenKeys();
        } else {
            try (Statement st = connection.createStatement()) {
                st.setMaxRows(1);
                try (ResultSet rs = st.executeQuery("SELECT source_key FROM " + links)) {
                    if (!rs.next()) {
                        writtenBlockKeys = new WrittenKeys();
                        writtenSourceKeys = new WrittenKeys();
                    }
                }
            }
        }
        indexChecked = true;
    }

    private void probeByIndex() throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (Statement st = connection.createStatement()) {
                // a batch's look-ups bind tens of thousands of keys: the planner then estimates a large share of
                // each table and scans it (O(table) per batch); each key is an index probe, so probe
                st.execute("SET LOCAL enable_hashjoin = off");
                st.execute("SET LOCAL enable_mergejoin = off");
                st.execute("SET LOCAL enable_seqscan = off");
            }
        }
    }

    /**
     * Refreshes the planner statistics of the three tables whenever they have doubled: a table that was empty
     * when autovacuum last looked would otherwise be scanned (hash join) on every look-up instead of probed by
     * its index, making each batch cost O(table) instead of O(batch).
     */
    @Override
    protected void afterCommit() {
        if (linksSinceAnalyze < Math.max(2_000, linksAtAnalyze)) return;
        try (Statement st = connection.createStatement()) {
            String analyze = dialect == Dialect.MARIADB ? "ANALYZE TABLE " : "ANALYZE ";
            for (String t : List.of(links, matchKeys, names.target())) {
                if (dialect == Dialect.H2) continue; // H2 plans by its indexes without statistics
                st.execute(analyze + t);
            }
            connection.commit();
            linksAtAnalyze += linksSinceAnalyze;
            linksSinceAnalyze = 0;
        } catch (SQLException e) {
            Jdbc.rollbackQuietly(connection); // statistics are an optimisation: the next batch tries again
        }
    }

    long mastersRemoved() {
        return mastersRemovedTotal;
    }

    // ---- DedupIndex: reads inside the batch's transaction ----

    @Override
    public Map<String, Member> members(Collection<String> sourceKeys) {
        long t0 = System.nanoTime();
        Map<String, Member> out = new HashMap<>();
        if (writtenSourceKeys != null) sourceKeys = sourceKeys.stream().filter(writtenSourceKeys::mightContain).toList();
        try {
            lookUp("SELECT source_key, master_key, row_hash, features FROM " + links + " WHERE source_key", sourceKeys, TEXT,
                    rs -> out.put(rs.getString(1), new Member(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4))));
        } catch (SQLException e) {
            throw new Sql(e);
        }
        nanos[0] += System.nanoTime() - t0;
        return out;
    }

    @Override
    public Map<String, List<Member>> candidates(Collection<String> blockKeys) {
        long t0 = System.nanoTime();
        Map<String, String> byStored = new HashMap<>();
        for (String k : blockKeys) {
            String st = stored(k);
            if (writtenBlockKeys == null || writtenBlockKeys.mightContain(st)) byStored.put(st, k);
        }
        Map<String, List<Member>> out = new HashMap<>();
        try {
            // the row hash is not needed to compare: only the master and the features travel
            lookUp("SELECT m.block_key, l.source_key, l.master_key, l.features FROM " + matchKeys + " m JOIN " + links
                            + " l ON l.source_key = m.source_key WHERE m.block_key", byStored.keySet(), TEXT,
                    rs -> out.computeIfAbsent(byStored.get(rs.getString(1)), k -> new ArrayList<>())
                            .add(new Member(rs.getString(2), rs.getString(3), 0, rs.getString(4))));
        } catch (SQLException e) {
            throw new Sql(e);
        }
        nanos[1] += System.nanoTime() - t0;
        return out;
    }

    @Override
    public Map<String, Object[]> masters(Collection<String> masterKeys) {
        long t0 = System.nanoTime();
        Map<String, Object[]> out = new HashMap<>();
        if (!storedMasters) return out;
        String cols = String.join(", ", columnsSql);
        try {
            lookUp("SELECT " + cols + " FROM " + names.target() + " WHERE " + keySql.get(0), masterKeys, keyType, rs -> {
                Object[] row = new Object[readers.length];
                for (int i = 0; i < row.length; i++) row[i] = readers[i].read(rs, i + 1);
                out.put(planner.keyOf(row), row);
            });
        } catch (SQLException e) {
            throw new Sql(e);
        }
        nanos[2] += System.nanoTime() - t0;
        return out;
    }

    /** Stored links by master (a preview moves them off a merged-away master, as the run's UPDATE would). */
    @Override
    public Map<String, Member> linksOf(Collection<String> masterKeys) {
        Map<String, Member> out = new HashMap<>();
        if (writtenSourceKeys != null) return out; // the index was empty as the preview began: nothing stored
        try {
            lookUp("SELECT source_key, master_key, row_hash, features FROM " + links + " WHERE master_key", masterKeys, TEXT,
                    rs -> out.put(rs.getString(1), new Member(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4))));
        } catch (SQLException e) {
            throw new Sql(e);
        }
        return out;
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    /** PostgreSQL array element type names for the key types a look-up can bind as one array. */
    private static final Map<ColumnType, String> PG_ARRAY = Map.of(ColumnType.STRING, "text", ColumnType.TEXT, "text",
            ColumnType.BIGINT, "int8", ColumnType.INTEGER, "int4", ColumnType.SMALLINT, "int2", ColumnType.UUID, "uuid");
    private static final ColumnType TEXT = ColumnType.TEXT;

    /**
     * Runs {@code sql} (ending with the column to match) for all the keys: on PostgreSQL one statement with the
     * keys as one array ({@code = ANY(?)}), one round trip per batch; elsewhere one {@code IN (...)} per 1,000 keys.
     */
    private void lookUp(String sql, Collection<String> keys, ColumnType type, RowHandler each) throws SQLException {
        if (keys.isEmpty()) return;
        String arrayType = dialect == Dialect.POSTGRES ? PG_ARRAY.get(type) : null;
        if (arrayType != null) {
            Object[] values = new Object[keys.size()];
            int i = 0;
            for (String k : keys) values[i++] = type == TEXT || type == ColumnType.STRING ? k : Values.parse(k, type);
            try (PreparedStatement ps = connection.prepareStatement(sql + " = ANY(?)")) {
                ps.setArray(1, connection.createArrayOf(arrayType, values));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) each.row(rs);
                }
            }
            return;
        }
        for (List<String> chunk : chunks(keys)) {
            try (PreparedStatement ps = connection.prepareStatement(sql + " IN (" + marks(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    if (type == TEXT) ps.setString(i + 1, chunk.get(i));
                    else Values.bind(ps, i + 1, Values.parse(chunk.get(i), type), type, dialect);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) each.row(rs);
                }
            }
        }
    }

    // ---- writes ----

    private void apply(DedupPlan plan) throws SQLException {
        if (!plan.remaps().isEmpty()) {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE " + links + " SET master_key = ? WHERE master_key = ?")) {
                for (var e : plan.remaps().entrySet()) {
                    ps.setString(1, e.getValue());
                    ps.setString(2, e.getKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!plan.deleteMasters().isEmpty()) {
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + names.target() + " WHERE " + keySql.get(0) + " = ?")) {
                for (Object[] row : plan.deleteMasters()) {
                    Values.bind(ps, 1, row[keyIndexes[0]], keyType, dialect);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        long t0 = System.nanoTime();
        upsertRows(plan.upsertMasters());
        long t1 = System.nanoTime();
        if (!plan.links().isEmpty()) writeLinks(plan.links(), plan.oldBlockKeys());
        nanos[4] += t1 - t0;
        nanos[5] += System.nanoTime() - t1;
    }

    private void upsertRows(List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) return;
        String cols = String.join(", ", columnsSql);
        if (dialect == Dialect.POSTGRES) {
            // COPY into a session stage, then one INSERT … ON CONFLICT from it: no per-value binding. Called once
            // per batch transaction; the commit (or a rollback) empties the stage
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGE + " ON COMMIT DELETE ROWS AS SELECT " + cols + " FROM "
                        + names.target() + " WITH NO DATA");
            }
            copy("COPY " + STAGE + " (" + cols + ") FROM STDIN", rows, (sb, row) -> {
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) sb.append('\t');
                    PostgresWriter.appendValue(sb, row[i]);
                }
            });
            List<String> sets = new ArrayList<>();
            for (String c : columnsSql) if (!keySql.contains(c)) sets.add(c + " = EXCLUDED." + c);
            try (Statement st = connection.createStatement()) {
                st.executeUpdate("INSERT INTO " + names.target() + " (" + cols + ") SELECT " + cols + " FROM " + STAGE
                        + " ON CONFLICT (" + String.join(", ", keySql) + ") " + (sets.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", sets)));
            }
            return;
        }
        int perStatement = Math.max(1, Math.min(CHUNK, 30_000 / columnsSql.size()));
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + perStatement));
            String sql = upsertSql(names.target(), cols, columnsSql, keySql, part.size());
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int p = 1;
                for (Object[] row : part) for (int i = 0; i < row.length; i++) Values.bind(ps, p++, row[i], types[i], dialect);
                ps.executeUpdate();
            }
        }
    }

    private void writeLinks(List<DedupPlan.Link> ls, Map<String, List<String>> oldBlockKeys) throws SQLException {
        // a re-linked record's old blocking keys go first (found by the primary key, so the index needs no second
        // index by source key); its new ones are inserted below
        if (!oldBlockKeys.isEmpty()) {
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + matchKeys + " WHERE block_key = ? AND source_key = ?")) {
                for (var e : oldBlockKeys.entrySet()) {
                    for (String bk : e.getValue()) {
                        ps.setString(1, stored(bk));
                        ps.setString(2, e.getKey());
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
        Timestamp now = Timestamp.from(clock.instant());
        List<DedupPlan.Link> upserts = ls;
        List<String[]> keys = new ArrayList<>();
        List<String[]> freshKeys = new ArrayList<>();
        for (DedupPlan.Link l : ls) {
            for (String bk : l.blockKeys()) {
                String[] k = {stored(bk), l.sourceKey()};
                keys.add(k);
                if (!"updated".equals(l.rule())) freshKeys.add(k);
            }
        }
        if (writtenBlockKeys != null) {
            for (String[] k : keys) writtenBlockKeys.add(k[0]);
            for (DedupPlan.Link l : ls) writtenSourceKeys.add(l.sourceKey());
        }
        if (dialect == Dialect.POSTGRES) {
            // a record planned as new has no link and no blocking keys yet (both are written only here, in one
            // transaction): plain COPY, nothing can conflict. An updated record's keys take the conflict-proof
            // path below (a key left by rules since changed may still be there).
            List<DedupPlan.Link> fresh = new ArrayList<>();
            upserts = new ArrayList<>();
            for (DedupPlan.Link l : ls) ("updated".equals(l.rule()) ? upserts : fresh).add(l);
            copyLinks(fresh, now);
            copyMatchKeys(freshKeys);
            java.util.Set<String[]> copied = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            copied.addAll(freshKeys);
            keys = keys.stream().filter(k -> !copied.contains(k)).toList();
        }
        List<String> linkCols = List.of("source_key", "master_key", "source_system", "match_rule", "score", "linked_at", "row_hash", "features");
        for (int from = 0; from < upserts.size(); from += CHUNK / 2) {
            List<DedupPlan.Link> part = upserts.subList(from, Math.min(upserts.size(), from + CHUNK / 2));
            String sql = upsertSql(links, String.join(", ", linkCols), linkCols, List.of("source_key"), part.size());
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int p = 1;
                for (DedupPlan.Link l : part) {
                    ps.setString(p++, l.sourceKey());
                    ps.setString(p++, l.masterKey());
                    ps.setString(p++, system);
                    ps.setString(p++, l.rule());
                    ps.setDouble(p++, l.score());
                    ps.setTimestamp(p++, now);
                    ps.setLong(p++, l.rowHash());
                    ps.setString(p++, l.features());
                }
                ps.executeUpdate();
            }
        }
        for (int from = 0; from < keys.size(); from += CHUNK) {
            List<String[]> part = keys.subList(from, Math.min(keys.size(), from + CHUNK));
            StringBuilder sql = new StringBuilder(dialect == Dialect.MARIADB ? "INSERT IGNORE INTO " : "INSERT INTO ")
                    .append(matchKeys).append(" (block_key, source_key) VALUES ");
            for (int i = 0; i < part.size(); i++) sql.append(i > 0 ? ", " : "").append("(?, ?)");
            if (dialect == Dialect.POSTGRES) sql.append(" ON CONFLICT DO NOTHING");
            if (dialect == Dialect.H2) {
                sql = new StringBuilder("MERGE INTO " + matchKeys + " (block_key, source_key) KEY (block_key, source_key) VALUES ");
                for (int i = 0; i < part.size(); i++) sql.append(i > 0 ? ", " : "").append("(?, ?)");
            }
            try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                int p = 1;
                for (String[] k : part) {
                    ps.setString(p++, k[0]);
                    ps.setString(p++, k[1]);
                }
                ps.executeUpdate();
            }
        }
    }

    private void copyLinks(List<DedupPlan.Link> ls, Timestamp now) throws SQLException {
        if (ls.isEmpty()) return;
        String linkedAt = now.toLocalDateTime().toString();
        copy("COPY " + links + " (source_key, master_key, source_system, match_rule, score, linked_at, row_hash, features) FROM STDIN",
                ls, (sb, l) -> {
                    PostgresWriter.appendValue(sb, l.sourceKey());
                    sb.append('\t');
                    PostgresWriter.appendValue(sb, l.masterKey());
                    sb.append('\t');
                    PostgresWriter.appendValue(sb, system);
                    sb.append('\t');
                    PostgresWriter.appendValue(sb, l.rule());
                    sb.append('\t').append(l.score()).append('\t').append(linkedAt).append('\t').append(l.rowHash()).append('\t');
                    PostgresWriter.appendValue(sb, l.features());
                });
    }

    private void copyMatchKeys(List<String[]> keys) throws SQLException {
        if (keys.isEmpty()) return;
        copy("COPY " + matchKeys + " (block_key, source_key) FROM STDIN", keys, (sb, k) -> {
            PostgresWriter.appendValue(sb, k[0]);
            sb.append('\t');
            PostgresWriter.appendValue(sb, k[1]);
        });
    }

    /** PostgreSQL COPY in text format, one line per item, flushed every ~1M characters. */
    private <T> void copy(String sql, List<T> items, java.util.function.BiConsumer<StringBuilder, T> line) throws SQLException {
        PostgresWriter.copyLines(connection, sql, items, new StringBuilder(1 << 16), line);
    }

    private String upsertSql(String table, String cols, List<String> colList, List<String> key, int rows) {
        String row = "(" + marks(colList.size()) + ")";
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < rows; i++) values.append(i > 0 ? ", " : "").append(row);
        List<String> sets = new ArrayList<>();
        for (String c : colList) if (!key.contains(c)) sets.add(c);
        return switch (dialect) {
            case POSTGRES -> "INSERT INTO " + table + " (" + cols + ") VALUES " + values + " ON CONFLICT (" + String.join(", ", key) + ") "
                    + (sets.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", sets.stream().map(c -> c + " = EXCLUDED." + c).toList()));
            case MARIADB -> "INSERT INTO " + table + " (" + cols + ") VALUES " + values
                    + (sets.isEmpty() ? "" : " ON DUPLICATE KEY UPDATE " + String.join(", ", sets.stream().map(c -> c + " = VALUES(" + c + ")").toList()));
            case H2 -> "MERGE INTO " + table + " (" + cols + ") KEY (" + String.join(", ", key) + ") VALUES " + values;
        };
    }

    /** Blocking keys longer than the column are stored as their SHA-256 (still exact, still one look-up). */
    private static String stored(String blockKey) {
        if (blockKey.length() <= MAX_BLOCK_KEY) return blockKey;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(blockKey.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static List<List<String>> chunks(Collection<String> keys) {
        List<String> all = new ArrayList<>(keys);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += CHUNK) out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        return out;
    }

    @Override
    public void close() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nanos.length; i++) sb.append(i > 0 ? ", " : "").append(PHASES[i]).append('=').append(nanos[i] / 1_000_000).append("ms");
        LOG.info("dedup {} on {}: {} merged, {} masters removed; time: {}", previewIndex == null ? "writer" : "preview", names.display(), mergedTotal, mastersRemovedTotal, sb);
        if (Boolean.getBoolean("ferry.dedup.timing")) System.err.println("dedup time by phase: " + sb);
        super.close();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DedupWriter.class);

    @Override
    protected void swap(Statement st) {
        throw new IllegalStateException("dedup writes in upsert mode only");
    }

    /** An SQLException from inside the planner's look-ups, unwrapped by {@link #write}. */
    static final class Sql extends RuntimeException {
        Sql(SQLException e) {
            super(e);
        }
    }

    /**
     * A preview of the batch: the run's planner, against the stored tables as the preview's earlier batches would
     * have left them ({@link DedupPreviewIndex}); the plan then goes into that overlay, not into the tables. Reads
     * only (the caller rolls the transaction back). Samples: each change to a master, by the kind of the record.
     */
    @Override
    protected WritePreview previewBatch(Batch batch) throws SQLException {
        checkIndex();
        probeByIndex();
        List<RowChange> changes = new ArrayList<>();
        DedupPlan plan;
        try {
            plan = planner.plan(batch.rows(), previewIndex, (kind, sourceKey, masterKey, before, after) ->
                    changes.add(new RowChange(after.clone(), Optional.ofNullable(before).map(Object[]::clone), kind)));
        } catch (Sql e) {
            throw (SQLException) e.getCause();
        }
        previewIndex.apply(plan);
        mergedTotal += plan.merged();
        mastersRemovedTotal += plan.mastersRemoved();
        return new WritePreview(new WriteResult(plan.inserted(), plan.updated(), plan.unchanged(), plan.merged()), changes);
    }

    /** A preview of a destination whose table does not exist yet counts none. */
    @Override
    public java.util.OptionalLong countRows() {
        return storedMasters ? super.countRows() : java.util.OptionalLong.of(0);
    }
}
