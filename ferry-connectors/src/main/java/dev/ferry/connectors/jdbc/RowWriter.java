package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WritePreview;
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
    /** MariaDB, fresh pass, ascending unique keys: LOAD DATA is allowed once the table is found empty */
    private final boolean loadDataAllowed;
    /** LOAD DATA straight into the table: it was empty at open and no write has failed since */
    private boolean direct;
    private final String loadDataSql;
    private final LoadDataText loadText = new LoadDataText();
    /** how batches went, for tests and stats */
    long loadedBatches, upsertedBatches;

    RowWriter(Jdbc.Settings settings, JdbcDestination.Names names, Schema schema, List<String> key, WriteSpec spec) {
        super(settings, names, schema, key, spec.mode());
        this.types = new ColumnType[schema.size()];
        for (int i = 0; i < types.length; i++) types[i] = schema.column(i).type();
        this.readers = Values.readers(schema.columns(), dialect);
        // MariaDB allows 65535 placeholders per statement
        this.rowsPerStatement = Math.max(1, Math.min(1000, 60_000 / Math.max(1, schema.size())));
        this.loadDataAllowed = dialect == Dialect.MARIADB && spec.fresh() && spec.ascendingUniqueKeys()
                && keyIndexes.length > 0 && (mode == WriteMode.UPSERT || mode == WriteMode.REPLACE)
                && !Boolean.getBoolean("ferry.mariadb.noLoadData");
        this.loadDataSql = loadDataSql();
        if (loadDataAllowed) {
            try {
                ensureConnection();
                try (Statement st = connection.createStatement();
                     ResultSet rs = st.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + names.target() + ")")) {
                    rs.next();
                    direct = rs.getBoolean(1);
                }
                connection.commit();
            } catch (SQLException e) {
                close();
                throw new dev.ferry.spi.SyncException("cannot read table " + names.display() + " in " + settings.safeUrl()
                        + ": " + Jdbc.firstLine(e.getMessage()), e);
            }
        }
    }

    private String loadDataSql() {
        List<String> cols = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < columnsSql.size(); i++) {
            if (types[i] == ColumnType.BYTES) {
                cols.add("@b" + i);
                sets.add(columnsSql.get(i) + " = UNHEX(@b" + i + ")");
            } else {
                cols.add(columnsSql.get(i));
            }
        }
        return "LOAD DATA LOCAL INFILE 'ferry-batch.tsv' INTO TABLE " + names.target() + " CHARACTER SET utf8mb4"
                + " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'"
                + " (" + String.join(", ", cols) + ")" + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
    }

    @Override
    protected java.sql.Connection connect() {
        if (!loadDataAllowed) return super.connect();
        java.util.Properties p = new java.util.Properties();
        p.setProperty("allowLocalInfile", "true");
        return Jdbc.connect(settings, p);
    }

    @Override
    protected void onFailure() {
        direct = false;
    }

    /** True while LOAD DATA is still used (tests). */
    boolean direct() {
        return direct;
    }

    /**
     * LOAD DATA of rows whose keys cannot be in the table. LOCAL turns errors (duplicates, bad values) into skipped
     * rows and warnings, so anything but exactly {@code rows.size()} rows and no warnings rolls back: false.
     */
    private boolean loadData(List<Object[]> rows) throws SQLException {
        loadText.encode(rows, types);
        long affected;
        try (Statement st = connection.createStatement()) {
            st.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(
                    new java.io.ByteArrayInputStream(loadText.buffer(), 0, loadText.length()));
            affected = st.executeLargeUpdate(loadDataSql);
            long warnings;
            try (ResultSet rs = st.executeQuery("SELECT @@warning_count")) {
                rs.next();
                warnings = rs.getLong(1);
            }
            if (affected == rows.size() && warnings == 0) return true;
        }
        connection.rollback();
        return false;
    }

    @Override
    protected WriteResult writeBatch(Batch batch) throws SQLException {
        // COPY text decodes on every get(): decode each row once here
        List<Object[]> all = batch.rows() instanceof CopyTextRows ? new ArrayList<>(batch.rows()) : batch.rows();
        requireFittingDecimals(all);
        if (mode == WriteMode.APPEND || keyIndexes.length == 0) {
            insert(all, false);
            return new WriteResult(batch.size(), 0, 0);
        }
        boolean unique = batch.rows() instanceof CopyTextRows ct && ct.uniqueKeys();
        List<Object[]> rows = unique ? all : lastPerKey(all);
        if (direct) {
            if (loadData(rows)) {
                loadedBatches++;
                return new WriteResult(rows.size(), 0, batch.size() - rows.size());
            }
            direct = false; // something refused: compare and upsert from here on, which names the bad rows
        }
        upsertedBatches++;
        WritePreview p = compare(rows, existing(rows), keyIndexes, batch.size());
        List<Object[]> toWrite = new ArrayList<>(p.changes().size());
        for (var change : p.changes()) toWrite.add(change.row());
        insert(toWrite, true);
        return p.counts();
    }

    /** The destination columns a source decimal could be rounded into, read once from the table. */
    private DecimalFit decimalFit;

    private void requireFittingDecimals(List<Object[]> rows) throws SQLException {
        if (decimalFit == null) decimalFit = DecimalFit.read(connection, dialect, names.target(), names.display(), columnsSql, schema);
        decimalFit.check(rows);
    }

    @Override
    protected WritePreview previewBatch(Batch batch) throws SQLException {
        List<Object[]> all = batch.rows() instanceof CopyTextRows ? new ArrayList<>(batch.rows()) : batch.rows();
        boolean unique = batch.rows() instanceof CopyTextRows ct && ct.uniqueKeys();
        List<Object[]> rows = unique ? all : lastPerKey(all);
        return compare(rows, existing(rows), keyIndexes, batch.size());
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
