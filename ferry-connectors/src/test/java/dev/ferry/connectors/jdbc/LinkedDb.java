package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Column;
import dev.ferry.spi.Schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads any table of a test schema back in a given schema's column order (derived tables). */
final class LinkedDb {
    private LinkedDb() {
    }

    static List<Object[]> read(Db db, String name, Schema schema) {
        List<String> cols = new ArrayList<>();
        for (Column c : schema.columns()) cols.add(db.dialect().quoteFolded(c.name()));
        String sql = "SELECT " + String.join(", ", cols) + " FROM " + db.dialect().qualifiedTable(db.table(name), "t")
                + " ORDER BY " + cols.get(0);
        Values.Reader[] readers = Values.readers(schema.columns(), db.dialect());
        List<Object[]> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Object[] row = new Object[readers.length];
                for (int i = 0; i < row.length; i++) row[i] = readers[i].read(rs, i + 1);
                out.add(row);
            }
        } catch (SQLException e) {
            if (Jdbc.isMissingTable(e)) return List.of();
            throw new IllegalStateException(e);
        }
        return out;
    }
}
