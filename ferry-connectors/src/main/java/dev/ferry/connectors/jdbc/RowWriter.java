package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteResult;
import dev.ferry.spi.WriteSpec;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MariaDB/MySQL and H2: reads the rows whose keys are in the batch, compares them in Java, and writes only new
 * and changed rows (MariaDB: multi-row INSERT … ON DUPLICATE KEY UPDATE; H2: batched MERGE … KEY). So counts
 * are exact and unchanged rows are never rewritten, whatever the driver reports as affected rows.
 */
final class RowWriter extends JdbcWriter {
    private static final int LOOKUP_CHUNK = 500;
    private final ColumnType[] types;
    private final Values.Reader[] readers;
    private final int rowsPerStatement;

    RowWriter(Jdbc.Settings settings, JdbcDestination.Names names, Schema schema, List<String> key, WriteSpec spec) {
        super(settings, names, schema, key, spec.mode());
        this.types = new ColumnType[schema.size()];
        for (int i = 0; i < types.length; i++) types[i] = schema.column(i).type();
        this.readers = Values.readers(schema.columns(), dialect);
        // MariaDB allows 65535 placeholders per statement
        this.rowsPerStatement = Math.max(1, Math.min(1000, 60_000 / Math.max(1, schema.size())));
    }

    @Override
    protected WriteResult writeBatch(Batch batch) throws SQLException {
        if (mode == WriteMode.APPEND || keyIndexes.length == 0) {
            insert(batch.rows(), false);
            return new WriteResult(batch.size(), 0, 0);
        }
        List<Object[]> rows = lastPerKey(batch.rows());
        Map<String, Object[]> existing = existing(rows);
        List<Object[]> toWrite = new ArrayList<>();
        long inserted = 0, updated = 0;
        for (Object[] row : rows) {
            Object[] old = existing.get(keyString(row, keyIndexes));
            if (old == null) {
                inserted++;
                toWrite.add(row);
            } else if (!sameRow(old, row)) {
                updated++;
                toWrite.add(row);
            }
        }
        insert(toWrite, true);
        return new WriteResult(inserted, updated, batch.size() - inserted - updated);
    }

    private boolean sameRow(Object[] a, Object[] b) {
        for (int i = 0; i < a.length; i++) if (!Values.same(a[i], b[i])) return false;
        return true;
    }

    /** The destination's current rows for the batch's keys, by key string. */
    private Map<String, Object[]> existing(List<Object[]> rows) throws SQLException {
        Map<String, Object[]> out = new HashMap<>(rows.size() * 2);
        String select = "SELECT " + String.join(", ", columnsSql) + " FROM " + names.target() + " WHERE ";
        String keyList = keySql.size() == 1 ? keySql.get(0) : "(" + String.join(", ", keySql) + ")";
        String one = keySql.size() == 1 ? "?" : "(" + "?, ".repeat(keySql.size() - 1) + "?)";
        for (int from = 0; from < rows.size(); from += LOOKUP_CHUNK) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + LOOKUP_CHUNK));
            String sql = select + keyList + " IN (" + (one + ", ").repeat(chunk.size() - 1) + one + ")";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int p = 1;
                for (Object[] row : chunk) {
                    for (int k : keyIndexes) Values.bind(ps, p++, row[k], types[k], dialect);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Object[] r = new Object[readers.length];
                        for (int i = 0; i < r.length; i++) r[i] = readers[i].read(rs, i + 1);
                        out.put(keyString(r, keyIndexes), r);
                    }
                }
            }
        }
        return out;
    }

    private void insert(List<Object[]> rows, boolean upsert) throws SQLException {
        if (rows.isEmpty()) return;
        if (dialect == Dialect.MARIADB) insertMultiRow(rows, upsert);
        else insertBatched(rows, upsert);
    }

    private void insertMultiRow(List<Object[]> rows, boolean upsert) throws SQLException {
        String head = "INSERT INTO " + names.target() + " (" + String.join(", ", columnsSql) + ") VALUES ";
        String tuple = "(" + "?, ".repeat(columnsSql.size() - 1) + "?)";
        StringBuilder update = new StringBuilder();
        if (upsert) {
            for (String c : columnsSql) {
                if (keySql.contains(c)) continue;
                update.append(update.isEmpty() ? " ON DUPLICATE KEY UPDATE " : ", ").append(c).append(" = VALUES(").append(c).append(")");
            }
        }
        for (int from = 0; from < rows.size(); from += rowsPerStatement) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + rowsPerStatement));
            String sql = head + (tuple + ", ").repeat(chunk.size() - 1) + tuple + update;
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int p = 1;
                for (Object[] row : chunk) {
                    for (int i = 0; i < row.length; i++) Values.bind(ps, p++, row[i], types[i], dialect);
                }
                ps.executeUpdate();
            }
        }
    }

    private void insertBatched(List<Object[]> rows, boolean upsert) throws SQLException {
        String sql = (upsert ? "MERGE INTO " : "INSERT INTO ") + names.target() + " (" + String.join(", ", columnsSql) + ")"
                + (upsert ? " KEY (" + String.join(", ", keySql) + ")" : "")
                + " VALUES (" + "?, ".repeat(columnsSql.size() - 1) + "?)";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int n = 0;
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) Values.bind(ps, i + 1, row[i], types[i], dialect);
                ps.addBatch();
                if (++n % 1000 == 0) ps.executeBatch();
            }
            if (n % 1000 != 0) ps.executeBatch();
        }
    }

    @Override
    protected void swap(Statement st) throws SQLException {
        String finalTable = names.qualified(names.table());
        if (dialect == Dialect.MARIADB) {
            String old = names.qualified(names.table() + JdbcDestination.OLD_SUFFIX);
            st.execute("DROP TABLE IF EXISTS " + old);
            boolean exists;
            try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM information_schema.tables"
                    + " WHERE table_schema = coalesce(?, DATABASE()) AND table_name = ?")) {
                ps.setString(1, names.schema());
                ps.setString(2, names.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    exists = rs.getLong(1) > 0;
                }
            }
            // RENAME TABLE of several tables is atomic in MariaDB
            st.execute("RENAME TABLE " + (exists ? finalTable + " TO " + old + ", " : "") + names.target() + " TO " + finalTable);
            if (exists) st.execute("DROP TABLE " + old);
        } else {
            st.execute("DROP TABLE IF EXISTS " + finalTable);
            st.execute("ALTER TABLE " + names.target() + " RENAME TO " + dialect.quoteFolded(names.table()));
        }
    }
}
