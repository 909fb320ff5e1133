package dev.ferry.cli;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Reads a table into comparable text rows, normalising what databases legitimately spell differently. */
final class Rows {
    private Rows() {
    }

    static List<List<String>> read(Connection c, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) row.add(value(rs, md, i));
                out.add(row);
            }
        }
        return out;
    }

    static String value(ResultSet rs, ResultSetMetaData md, int i) throws SQLException {
        String typeName = md.getColumnTypeName(i).toLowerCase(Locale.ROOT);
        int type = md.getColumnType(i);
        if (typeName.contains("timestamptz") || typeName.contains("with time zone") || type == Types.TIMESTAMP_WITH_TIMEZONE) {
            OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
            return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().toString();
        }
        if (type == Types.TIMESTAMP || typeName.equals("datetime")) {
            LocalDateTime t = rs.getObject(i, LocalDateTime.class);
            return t == null ? null : t.toString();
        }
        Object v = rs.getObject(i);
        if (v == null) return null;
        if (v instanceof BigDecimal d) return d.stripTrailingZeros().toPlainString();
        if (v instanceof byte[] b) return HexFormat.of().formatHex(b);
        if (v instanceof java.sql.Blob blob) return HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()));
        if (v instanceof java.sql.Clob clob) return clob.getSubString(1, (int) clob.length());
        if (v instanceof Boolean bool) return bool.toString();
        if (v instanceof Number n && (typeName.equals("bit") || typeName.equals("tinyint") && md.getPrecision(i) == 1)) {
            return Boolean.toString(n.intValue() != 0);
        }
        return v.toString();
    }
}
