package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Column;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.testkit.TestRows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A test database: plain JDBC to set up tables and read them back, independent of the writer under test. */
record Db(String url, String user, String schema) {
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String MARIA_URL = "jdbc:mariadb://127.0.0.1:3306/test";

    Dialect dialect() {
        return Dialect.fromUrl(url);
    }

    Connection connect() {
        return Jdbc.connect(new Jdbc.Settings("test", url, user, dialect() == Dialect.MARIADB ? "" : null, dialect()));
    }

    /** Drop and recreate this class's schema (MariaDB: database) so runs never collide. */
    Db reset() {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            String s = dialect().quoteFolded(schema);
            if (dialect() == Dialect.MARIADB) {
                st.execute("DROP DATABASE IF EXISTS " + s);
                st.execute("CREATE DATABASE " + s);
            } else {
                st.execute("DROP SCHEMA IF EXISTS " + s + " CASCADE");
                st.execute("CREATE SCHEMA " + s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset " + schema + " at " + url
                    + " (is the database running? see the environment notes)", e);
        }
        return this;
    }

    String table(String name) {
        return schema + "." + name;
    }

    ConnectorConfig config(String path, String table) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", switch (dialect()) {
            case POSTGRES -> "postgres";
            case MARIADB -> "mariadb";
            case H2 -> "h2";
        });
        v.put("url", url);
        if (user != null) v.put("user", user);
        v.put("table", table(table));
        return new ConnectorConfig(path, v);
    }

    void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    void drop(String table) {
        execute("DROP TABLE IF EXISTS " + dialect().qualifiedTable(table(table), "t"));
    }

    /** Creates a table of TestRows.SCHEMA with the given column types and inserts rows. */
    void createTestTable(String name, List<Object[]> rows, String ddlColumns) {
        String t = dialect().qualifiedTable(table(name), "t");
        drop(name);
        execute("CREATE TABLE " + t + " (" + ddlColumns + ")");
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    Values.bind(ps, i + 1, row[i], TestRows.SCHEMA.column(i).type(), dialect());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Object[]> readBack(String name) {
        List<String> cols = new ArrayList<>();
        for (Column c : TestRows.SCHEMA.columns()) cols.add(dialect().quoteFolded(c.name()));
        String sql = "SELECT " + String.join(", ", cols) + " FROM " + dialect().qualifiedTable(table(name), "t")
                + " ORDER BY " + cols.get(0);
        Values.Reader[] readers = Values.readers(TestRows.SCHEMA.columns(), dialect());
        List<Object[]> out = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
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

    Optional<List<String>> xmins(String name) {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT xmin::text FROM " + dialect().qualifiedTable(table(name), "t") + " ORDER BY id")) {
            while (rs.next()) out.add(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return Optional.of(out);
    }

    /** A table's rows in the schema's columns and types, read back independently of any writer. */
    List<Object[]> rows(String table, dev.ferry.spi.Schema schema) {
        List<String> cols = new ArrayList<>();
        for (Column c : schema.columns()) cols.add(dialect().quoteFolded(c.name()));
        Values.Reader[] readers = Values.readers(schema.columns(), dialect());
        List<Object[]> out = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + String.join(", ", cols) + " FROM " + dialect().qualifiedTable(table(table), "t"))) {
            while (rs.next()) {
                Object[] row = new Object[readers.length];
                for (int i = 0; i < row.length; i++) row[i] = readers[i].read(rs, i + 1);
                out.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
