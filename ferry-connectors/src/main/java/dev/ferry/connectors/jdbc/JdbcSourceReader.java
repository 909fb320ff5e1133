package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ReadSpec;
import dev.ferry.spi.RejectedRecord;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SourceReader;
import dev.ferry.spi.SyncException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keyset pages: {@code WHERE (cursor filter) AND (k1,k2) > (?,?) ORDER BY k1,k2 LIMIT n}, never OFFSET.
 * Each page reads one row more than it delivers: keyset paging skips the rest of a key that straddles two pages, so
 * a key that is not unique (a row after the page's last with the same key) stops the run instead of losing rows.
 * Owns its connection (it runs on the engine's reader thread); after a failure the next call reconnects
 * and continues after the last key it returned.
 */
final class JdbcSourceReader implements SourceReader {
    private final JdbcSource source;
    private final Dialect dialect;
    private final Schema schema;
    private final int[] keyIndexes;
    private final List<String> keyNames;
    private final List<ColumnType> keyTypes = new ArrayList<>();
    private final Values.Reader[] readers;
    private final JdbcSource.Filter filter;
    private final String firstPageSql;
    private final String nextPageSql;
    private final int batchSize;
    private Connection connection;
    private Object[] lastKey;
    private long seq;
    private boolean done;

    JdbcSourceReader(JdbcSource source, ReadSpec spec, Optional<String> resumeAfter) {
        this.source = source;
        this.schema = source.schema();
        this.dialect = source.settings().dialect();
        this.batchSize = spec.batchSize();
        this.keyIndexes = new int[spec.key().size()];
        this.keyNames = List.copyOf(spec.key());
        List<String> keyCols = new ArrayList<>();
        for (int i = 0; i < keyIndexes.length; i++) {
            Column c = source.column(spec.key().get(i), "key");
            keyIndexes[i] = schema.indexOf(c.name());
            keyTypes.add(c.type());
            keyCols.add(dialect.quoteExact(c.name()));
        }
        this.readers = Values.readers(schema.columns(), dialect);
        this.filter = source.cursorFilter(spec);
        List<String> cols = new ArrayList<>();
        for (Column c : schema.columns()) cols.add(dialect.quoteExact(c.name()));
        String select = "SELECT " + String.join(", ", cols) + " FROM " + source.from();
        String orderBy = " ORDER BY " + String.join(", ", keyCols) + " LIMIT " + (batchSize + 1);
        String where = filter.sql();
        this.firstPageSql = select + (where.isEmpty() ? "" : " WHERE " + where) + orderBy;
        String after = keyAfter(keyCols);
        this.nextPageSql = select + " WHERE " + (where.isEmpty() ? "" : where + " AND ") + after + orderBy;
        this.lastKey = resumeAfter.map(p -> Values.decodeKey(p, keyTypes)).orElse(null);
    }

    /** (k1,k2) > (?,?) — or, where row values don't use indexes, (k1 > ?) OR (k1 = ? AND k2 > ?). */
    private String keyAfter(List<String> keyCols) {
        if (keyCols.size() == 1) return keyCols.get(0) + " > ?";
        if (dialect.rowValues()) {
            return "(" + String.join(", ", keyCols) + ") > (" + "?, ".repeat(keyCols.size() - 1) + "?)";
        }
        List<String> ors = new ArrayList<>();
        for (int i = 0; i < keyCols.size(); i++) {
            StringBuilder and = new StringBuilder("(");
            for (int j = 0; j < i; j++) and.append(keyCols.get(j)).append(" = ? AND ");
            and.append(keyCols.get(i)).append(" > ?)");
            ors.add(and.toString());
        }
        return "(" + String.join(" OR ", ors) + ")";
    }

    private int bindKeyAfter(PreparedStatement ps, int start) throws SQLException {
        int p = start;
        if (keyIndexes.length == 1 || dialect.rowValues()) {
            for (int i = 0; i < lastKey.length; i++) Values.bind(ps, p++, lastKey[i], keyTypes.get(i), dialect);
        } else {
            for (int i = 0; i < lastKey.length; i++) {
                for (int j = 0; j <= i; j++) Values.bind(ps, p++, lastKey[j], keyTypes.get(j), dialect);
            }
        }
        return p;
    }

    @Override
    public Optional<Batch> next() {
        if (done) return Optional.empty();
        try {
            if (connection == null || connection.isClosed()) {
                connection = Jdbc.connect(source.settings());
                // PostgreSQL streams a result set only inside a transaction with a fetch size
                if (dialect == Dialect.POSTGRES) connection.setAutoCommit(false);
            }
            List<Object[]> rows = new ArrayList<>(Math.min(batchSize, 100_000));
            List<RejectedRecord> rejected = new ArrayList<>();
            List<Object[]> keys = new ArrayList<>(Math.min(batchSize + 1, 100_001)); // of every row read, in order
            boolean lastRejected = false;
            long bytes = 0;
            try (PreparedStatement ps = connection.prepareStatement(lastKey == null ? firstPageSql : nextPageSql)) {
                ps.setFetchSize(Math.min(batchSize, source.fetchSize()));
                int p = filter.bind(ps, 1, dialect);
                if (lastKey != null) bindKeyAfter(ps, p);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = readers.length;
                    while (rs.next()) {
                        Object[] row = new Object[n];
                        String bad = null;
                        for (int i = 0; i < n; i++) {
                            Object v;
                            try {
                                v = readers[i].read(rs, i + 1);
                            } catch (Values.NotBoolean e) {
                                throw notBoolean(schema.column(i).name(), e.value);
                            } catch (RuntimeException | SQLException e) {
                                if (e instanceof SQLException sql && !isDataException(sql)) throw sql;
                                if (isKey(i)) throw e; // without its key the row cannot even be told apart
                                if (bad == null) bad = unreadable(rs, i, e);
                                continue;
                            }
                            row[i] = v;
                            bytes += v instanceof String s ? s.length() + 4 : v instanceof byte[] b ? b.length + 4 : 8;
                        }
                        Object[] key = key(row);
                        if (!keys.isEmpty() && keyIndexes.length > 0) requireNewKey(keys.get(keys.size() - 1), key);
                        keys.add(key);
                        lastRejected = bad != null;
                        if (bad == null) rows.add(row);
                        else rejected.add(new RejectedRecord(Values.encodeKey(key), bad, texts(rs)));
                    }
                }
            }
            if (dialect == Dialect.POSTGRES) connection.commit();
            if (keys.isEmpty()) {
                done = true;
                return Optional.empty();
            }
            if (keys.size() <= batchSize) {
                done = true;
            } else {
                // the look-ahead row: the next page starts with it
                keys.remove(batchSize);
                if (lastRejected) rejected.remove(rejected.size() - 1);
                else rows.remove(rows.size() - 1);
            }
            Object[] key = keys.get(keys.size() - 1);
            lastKey = key;
            return Optional.of(new Batch(seq++, schema, rows, Values.encodeKey(key), bytes, Optional.empty(), rejected));
        } catch (SQLException e) {
            Jdbc.rollbackQuietly(connection);
            if (Jdbc.isConnectionError(e)) {
                Jdbc.closeQuietly(connection);
                connection = null;
            }
            throw new SyncException("cannot read " + source.what() + " from " + source.settings().safeUrl() + ": "
                    + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    private boolean isKey(int column) {
        for (int k : keyIndexes) if (k == column) return true;
        return false;
    }

    /** A value the driver cannot turn into its column's type (PostgreSQL's NaN, ±infinity): SQLSTATE class 22. */
    private static boolean isDataException(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("22");
    }

    /** Why a value cannot be read, for the row's dead letter: the column, the value as the server prints it. */
    private String unreadable(ResultSet rs, int column, Exception e) throws SQLException {
        String text = rs.getString(column + 1);
        return "column " + schema.column(column).name() + " = '" + text + "' cannot be read as "
                + schema.column(column).type().name().toLowerCase(java.util.Locale.ROOT) + " (" + Jdbc.firstLine(e.getMessage())
                + "); the destination has no such value: change it in the source, or convert it in source.query";
    }

    /** The row as the server prints each value: a dead letter's payload. */
    private Map<String, String> texts(ResultSet rs) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < schema.size(); i++) out.put(schema.column(i).name(), rs.getString(i + 1));
        return out;
    }

    private Object[] key(Object[] row) {
        Object[] key = new Object[keyIndexes.length];
        for (int i = 0; i < key.length; i++) key[i] = row[keyIndexes[i]];
        return key;
    }

    /** Rows come in key order: a row with its predecessor's key means source.key does not identify a row. */
    private void requireNewKey(Object[] previousKey, Object[] key) {
        if (java.util.Arrays.deepEquals(previousKey, key)) throw notUnique(source, keyNames(), Values.encodeKey(key));
    }

    /** The key as the sync file names it. */
    private List<String> keyNames() {
        return keyNames;
    }

    private SyncException notBoolean(String column, int value) {
        return new SyncException("column " + column + " of " + source.what() + " is tinyint(1), read as a boolean, but holds "
                + value + " (only 0 and 1 are booleans; it would land as true); read it as a number with source.query, e.g."
                + " select …, CAST(" + column + " AS SIGNED) AS " + column + " from …");
    }

    static SyncException notUnique(JdbcSource source, List<String> key, String value) {
        return new SyncException("source.key " + key + " is not unique in " + source.what() + ": key " + value
                + " is on more than one row, and rows that share a key would be lost or overwrite each other; set"
                + " source.key to columns that identify one row (e.g. its primary key)");
    }

    @Override
    public void close() {
        Jdbc.closeQuietly(connection);
        connection = null;
    }
}
