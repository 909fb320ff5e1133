package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ColumnType;
import dev.ferry.spi.LinkedResult;
import dev.ferry.spi.LinkedTable;
import dev.ferry.spi.WriteResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one derived table inside the primary writer's transaction: for the batch's primary keys, reads the rows the
 * table holds for them, then upserts new and changed rows and deletes those no longer produced (their condition
 * stopped holding). Unchanged rows are not rewritten, and every count is exact. At most one row per primary key: the
 * link columns are the table's key.
 */
final class LinkedTableWriter {
    private static final int CHUNK = 500;
    private final LinkedTable table;
    private final JdbcDestination.Names names;
    private final Dialect dialect;
    private final ColumnType[] types;
    private final Values.Reader[] readers;
    private final int[] linkIndexes;
    private final List<String> columnsSql = new ArrayList<>();
    private final List<String> linkSql = new ArrayList<>();
    private final String upsertSql;
    private final String deleteSql;

    LinkedTableWriter(LinkedTable table, JdbcDestination.Names names, Dialect dialect) {
        this.table = table;
        this.names = names;
        this.dialect = dialect;
        this.types = table.schema().columns().stream().map(c -> c.type()).toArray(ColumnType[]::new);
        this.readers = Values.readers(table.schema().columns(), dialect);
        this.linkIndexes = table.schema().indexesOf(table.link());
        for (var c : table.schema().columns()) columnsSql.add(dialect.quoteFolded(c.name()));
        for (String l : table.link()) linkSql.add(dialect.quoteFolded(l));
        this.upsertSql = upsertSql();
        this.deleteSql = "DELETE FROM " + names.target() + " WHERE " + String.join(" AND ", linkSql.stream().map(c -> c + " = ?").toList());
    }

    String display() {
        return names.display();
    }

    private String upsertSql() {
        String cols = String.join(", ", columnsSql);
        String values = "?, ".repeat(columnsSql.size() - 1) + "?";
        List<String> others = columnsSql.stream().filter(c -> !linkSql.contains(c)).toList();
        return switch (dialect) {
            case POSTGRES -> "INSERT INTO " + names.target() + " (" + cols + ") VALUES (" + values + ") ON CONFLICT ("
                    + String.join(", ", linkSql) + ") " + (others.isEmpty() ? "DO NOTHING"
                    : "DO UPDATE SET " + String.join(", ", others.stream().map(c -> c + " = EXCLUDED." + c).toList()));
            case MARIADB -> "INSERT INTO " + names.target() + " (" + cols + ") VALUES (" + values + ") ON DUPLICATE KEY UPDATE "
                    + String.join(", ", (others.isEmpty() ? linkSql : others).stream().map(c -> c + " = VALUES(" + c + ")").toList());
            default -> "MERGE INTO " + names.target() + " (" + cols + ") KEY (" + String.join(", ", linkSql) + ") VALUES (" + values + ")";
        };
    }

    /**
     * @param parents the primary keys of the batch (each once)
     * @param rows    the derived rows the batch produced (each link key once)
     */
    LinkedResult write(Connection c, List<Object[]> parents, List<Object[]> rows) throws SQLException {
        Map<String, Object[]> existing = existing(c, parents);
        Map<String, Object[]> produced = new LinkedHashMap<>(rows.size() * 2);
        for (Object[] r : rows) produced.put(JdbcWriter.keyString(r, linkIndexes), r);
        List<Object[]> toWrite = new ArrayList<>();
        long inserted = 0, updated = 0, unchanged = 0;
        for (var e : produced.entrySet()) {
            Object[] old = existing.get(e.getKey());
            if (old == null) {
                inserted++;
                toWrite.add(e.getValue());
            } else if (!same(old, e.getValue())) {
                updated++;
                toWrite.add(e.getValue());
            } else {
                unchanged++;
            }
        }
        List<Object[]> toDelete = new ArrayList<>();
        for (var e : existing.entrySet()) if (!produced.containsKey(e.getKey())) toDelete.add(e.getValue());
        if (!toWrite.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(upsertSql)) {
                for (Object[] r : toWrite) {
                    for (int i = 0; i < r.length; i++) Values.bind(ps, i + 1, r[i], types[i], dialect);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!toDelete.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                for (Object[] r : toDelete) {
                    for (int i = 0; i < linkIndexes.length; i++) Values.bind(ps, i + 1, r[linkIndexes[i]], types[linkIndexes[i]], dialect);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return new LinkedResult(table.table(), new WriteResult(inserted, updated, unchanged), toDelete.size());
    }

    private boolean same(Object[] a, Object[] b) {
        for (int i = 0; i < a.length; i++) if (!Values.same(a[i], b[i])) return false;
        return true;
    }

    private Map<String, Object[]> existing(Connection c, List<Object[]> parents) throws SQLException {
        Map<String, Object[]> out = new HashMap<>(parents.size() * 2);
        String keyList = linkSql.size() == 1 ? linkSql.get(0) : "(" + String.join(", ", linkSql) + ")";
        String one = linkSql.size() == 1 ? "?" : "(" + "?, ".repeat(linkSql.size() - 1) + "?)";
        for (int from = 0; from < parents.size(); from += CHUNK) {
            List<Object[]> chunk = parents.subList(from, Math.min(parents.size(), from + CHUNK));
            String sql = "SELECT " + String.join(", ", columnsSql) + " FROM " + names.target() + " WHERE " + keyList
                    + " IN (" + (one + ", ").repeat(chunk.size() - 1) + one + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (Object[] key : chunk) {
                    for (int i = 0; i < key.length; i++) Values.bind(ps, p++, key[i], types[linkIndexes[i]], dialect);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Object[] r = new Object[readers.length];
                        for (int i = 0; i < r.length; i++) r[i] = readers[i].read(rs, i + 1);
                        out.put(JdbcWriter.keyString(r, linkIndexes), r);
                    }
                }
            }
        }
        return out;
    }
}
