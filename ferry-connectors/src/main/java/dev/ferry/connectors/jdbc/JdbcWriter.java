package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.LinkedResult;
import dev.ferry.spi.LinkedRows;
import dev.ferry.spi.LinkedTable;
import dev.ferry.spi.LinkedWriteResult;
import dev.ferry.spi.RowChange;
import dev.ferry.spi.WritePreview;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SyncException;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every JDBC writer shares: one connection (reconnected after it broke), de-duplication, replace's swap. */
abstract class JdbcWriter implements DestinationWriter {
    protected final Jdbc.Settings settings;
    protected final Dialect dialect;
    protected final JdbcDestination.Names names;
    protected final Schema schema;
    protected final WriteMode mode;
    protected final int[] keyIndexes;
    protected final List<String> columnsSql = new ArrayList<>();
    protected final List<String> keySql = new ArrayList<>();
    protected Connection connection;
    private List<LinkedTableWriter> linked = List.of();

    JdbcWriter(Jdbc.Settings settings, JdbcDestination.Names names, Schema schema, List<String> key, WriteMode mode) {
        this.settings = settings;
        this.dialect = settings.dialect();
        this.names = names;
        this.schema = schema;
        this.mode = mode;
        this.keyIndexes = schema.indexesOf(key);
        for (Column c : schema.columns()) columnsSql.add(dialect.quoteFolded(c.name()));
        for (String k : key) keySql.add(dialect.quoteFolded(k));
    }

    @Override
    public final WriteResult write(Batch batch) {
        return transact(batch, List.of()).primary();
    }

    /** Derived tables: created when missing; each batch then writes them in its own transaction ({@link #writeLinked}). */
    @Override
    public void openLinked(List<LinkedTable> tables) {
        List<LinkedTableWriter> writers = new ArrayList<>();
        String display = "";
        try {
            ensureConnection();
            try (Statement st = connection.createStatement()) {
                for (LinkedTable t : tables) {
                    display = t.table();
                    String[] parts = Dialect.splitTable(t.table(), "derive.table");
                    JdbcDestination.Names n = new JdbcDestination.Names(parts.length == 2 ? parts[0] : null, parts[parts.length - 1],
                            parts[parts.length - 1], dialect);
                    st.execute(JdbcDestination.createTableSql(n, t.schema(), t.link()));
                    writers.add(new LinkedTableWriter(t, n, dialect));
                }
            }
            connection.commit();
        } catch (SQLException e) {
            Jdbc.rollbackQuietly(connection);
            throw new SyncException("cannot prepare derived table " + display + " in " + settings.safeUrl() + ": "
                    + Jdbc.firstLine(e.getMessage()), e);
        }
        linked = List.copyOf(writers);
    }

    @Override
    public LinkedWriteResult writeLinked(Batch batch, List<LinkedRows> rows) {
        if (rows.size() != linked.size()) {
            throw new IllegalStateException("rows for " + rows.size() + " derived tables, " + linked.size() + " opened");
        }
        return transact(batch, rows);
    }

    /** One transaction: the batch into the primary table, then each derived table's rows for the batch's keys. */
    private LinkedWriteResult transact(Batch batch, List<LinkedRows> rows) {
        if (batch.size() == 0) return new LinkedWriteResult(WriteResult.NONE,
                rows.stream().map(r -> new LinkedResult(r.table().table(), WriteResult.NONE, 0)).toList());
        String writing = names.display();
        try {
            ensureConnection();
            WriteResult r = writeBatch(batch);
            List<LinkedResult> results = new ArrayList<>();
            if (!rows.isEmpty()) {
                List<Object[]> parents = parentKeys(batch.rows());
                for (int i = 0; i < rows.size(); i++) {
                    writing = linked.get(i).display();
                    results.add(linked.get(i).write(connection, parents, rows.get(i).rows()));
                }
            }
            connection.commit();
            afterCommit();
            return new LinkedWriteResult(r, results);
        } catch (SQLException e) {
            failed(e);
            throw new SyncException("cannot write " + batch.size() + " rows to table " + writing + " in "
                    + settings.safeUrl() + ": " + Jdbc.firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            failed(null);
            throw e;
        }
    }

    /** The batch's primary keys, each once. */
    private List<Object[]> parentKeys(List<Object[]> rows) {
        Map<String, Object[]> keys = new LinkedHashMap<>(rows.size() * 2);
        for (Object[] row : rows) {
            Object[] k = new Object[keyIndexes.length];
            for (int i = 0; i < k.length; i++) k[i] = row[keyIndexes[i]];
            keys.putIfAbsent(keyString(row, keyIndexes), k);
        }
        return new ArrayList<>(keys.values());
    }

    protected abstract WriteResult writeBatch(Batch batch) throws SQLException;

    /**
     * A preview: what {@link #write} would do, found in a transaction that is always rolled back. APPEND (and a table
     * without a key) would insert every row, so it reads nothing.
     */
    @Override
    public final WritePreview preview(Batch batch) {
        if (batch.size() == 0) return new WritePreview(WriteResult.NONE, List.of());
        if (mode == WriteMode.APPEND || keyIndexes.length == 0) return allInserted(batch.rows(), batch.size());
        try {
            ensureConnection();
            return previewBatch(batch);
        } catch (SQLException e) {
            failed(e);
            throw new SyncException("cannot preview " + batch.size() + " rows against table " + names.display() + " in "
                    + settings.safeUrl() + ": " + Jdbc.firstLine(e.getMessage()), e);
        } finally {
            Jdbc.rollbackQuietly(connection);
        }
    }

    /** Compares the batch with the table (in the open transaction, rolled back after). */
    protected abstract WritePreview previewBatch(Batch batch) throws SQLException;

    /** Every row (each key once) would be inserted; repeats of a key within the batch count as unchanged, as in a write. */
    static WritePreview allInserted(List<Object[]> rows, int batchSize) {
        List<RowChange> changes = new ArrayList<>(rows.size());
        for (Object[] row : rows) changes.add(new RowChange(row, java.util.Optional.empty()));
        return new WritePreview(new WriteResult(rows.size(), 0, batchSize - rows.size()), changes);
    }

    /** Sorts rows against the table's current ones into inserts, updates and unchanged (counted), as {@code same} judges. */
    static WritePreview compare(List<Object[]> rows, Map<String, Object[]> existing, int[] keyIndexes, int batchSize) {
        List<RowChange> changes = new ArrayList<>();
        long inserted = 0, updated = 0;
        for (Object[] row : rows) {
            Object[] old = existing.get(keyString(row, keyIndexes));
            if (old == null) {
                inserted++;
                changes.add(new RowChange(row, java.util.Optional.empty()));
            } else if (!sameRow(old, row)) {
                updated++;
                changes.add(new RowChange(row, java.util.Optional.of(old)));
            }
        }
        return new WritePreview(new WriteResult(inserted, updated, batchSize - inserted - updated), changes);
    }

    static boolean sameRow(Object[] a, Object[] b) {
        for (int i = 0; i < a.length; i++) if (!Values.same(a[i], b[i])) return false;
        return true;
    }

    /** Called after a batch committed. */
    protected void afterCommit() {
    }

    /** Called after a write failed and was rolled back. */
    protected void onFailure() {
    }

    private void failed(SQLException e) {
        Jdbc.rollbackQuietly(connection);
        onFailure();
        boolean broken = e != null && Jdbc.isConnectionError(e);
        try {
            broken |= connection != null && !connection.isValid(2);
        } catch (SQLException ignored) {
            broken = true;
        }
        // a broken connection is dropped; the engine retries the batch and the next write reconnects
        if (broken) {
            Jdbc.closeQuietly(connection);
            connection = null;
        }
    }

    protected void ensureConnection() throws SQLException {
        if (connection != null && !connection.isClosed()) return;
        connection = connect();
        connection.setAutoCommit(false);
        onConnect();
    }

    /** Opens the writer's connection. */
    protected Connection connect() {
        return Jdbc.connect(settings);
    }

    /** Per-connection setup (PostgreSQL creates its temporary stage here). */
    protected void onConnect() throws SQLException {
    }

    /** The batch's rows with each key once, keeping the last occurrence (a key may repeat within one batch). */
    protected List<Object[]> lastPerKey(List<Object[]> rows) {
        if (keyIndexes.length == 0 || mode == WriteMode.APPEND) return rows;
        Map<String, Object[]> byKey = new LinkedHashMap<>(rows.size() * 2);
        for (Object[] row : rows) byKey.put(keyString(row, keyIndexes), row);
        return byKey.size() == rows.size() ? rows : new ArrayList<>(byKey.values());
    }

    /** The key as a string for maps; decimals by value so 1.0 and 1.00 are the same key. */
    static String keyString(Object[] row, int[] keyIndexes) {
        Object[] k = new Object[keyIndexes.length];
        for (int i = 0; i < k.length; i++) {
            Object v = row[keyIndexes[i]];
            k[i] = v instanceof BigDecimal d ? d.stripTrailingZeros() : v;
        }
        return Values.encodeKey(k);
    }

    /** Deletes by key, 500 keys a statement, in one transaction. */
    @Override
    public long delete(Batch keys) {
        if (keys.size() == 0 || keyIndexes.length == 0) return 0;
        String keyList = keySql.size() == 1 ? keySql.get(0) : "(" + String.join(", ", keySql) + ")";
        String one = keySql.size() == 1 ? "?" : "(" + "?, ".repeat(keySql.size() - 1) + "?)";
        try {
            ensureConnection();
            long deleted = 0;
            List<Object[]> rows = keys.rows();
            for (int from = 0; from < rows.size(); from += 500) {
                List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + 500));
                String sql = "DELETE FROM " + names.target() + " WHERE " + keyList + " IN (" + (one + ", ").repeat(chunk.size() - 1) + one + ")";
                try (java.sql.PreparedStatement ps = connection.prepareStatement(sql)) {
                    int p = 1;
                    for (Object[] row : chunk) {
                        for (int k : keyIndexes) Values.bind(ps, p++, row[k], schema.column(k).type(), dialect);
                    }
                    deleted += ps.executeUpdate();
                }
            }
            connection.commit();
            return deleted;
        } catch (SQLException e) {
            failed(e);
            throw new SyncException("cannot delete " + keys.size() + " rows from table " + names.display() + " in "
                    + settings.safeUrl() + ": " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    /** Rows in the table being written (the engine checks remembered range digests against it). */
    @Override
    public java.util.OptionalLong countRows() {
        try {
            ensureConnection();
            try (Statement st = connection.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM " + names.target())) {
                rs.next();
                long n = rs.getLong(1);
                connection.commit();
                return java.util.OptionalLong.of(n);
            }
        } catch (SQLException e) {
            Jdbc.rollbackQuietly(connection);
            throw new SyncException("cannot count the rows of table " + names.display() + " in " + settings.safeUrl()
                    + ": " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    /** REPLACE: the loaded table takes the final name in one step. */
    @Override
    public void complete() {
        if (mode != WriteMode.REPLACE) return;
        try {
            ensureConnection();
            try (Statement st = connection.createStatement()) {
                swap(st);
            }
            connection.commit();
        } catch (SQLException e) {
            Jdbc.rollbackQuietly(connection);
            throw new SyncException("cannot swap the new copy into table " + names.display() + " in "
                    + settings.safeUrl() + ": " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    protected abstract void swap(Statement st) throws SQLException;

    @Override
    public void close() {
        Jdbc.rollbackQuietly(connection);
        Jdbc.closeQuietly(connection);
        connection = null;
    }
}
