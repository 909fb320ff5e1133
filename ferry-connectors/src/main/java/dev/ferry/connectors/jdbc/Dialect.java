package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConfigException;

import java.util.Locale;
import java.util.regex.Pattern;

/** What differs between the databases we speak to: identifier case and quoting, DDL types, row-value support. */
enum Dialect {
    POSTGRES, MARIADB, H2;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    static Dialect fromUrl(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) return POSTGRES;
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) return MARIADB;
        if (u.startsWith("jdbc:h2:")) return H2;
        return null;
    }

    /** The URL handed to the driver: MariaDB Connector/J only accepts jdbc:mysql: when told to. */
    static String driverUrl(String url) {
        if (url.regionMatches(true, 0, "jdbc:mysql:", 0, 11)) return "jdbc:mariadb:" + url.substring(11);
        return url;
    }

    static boolean isIdentifier(String s) {
        return s != null && IDENTIFIER.matcher(s).matches();
    }

    /** Checks "name" or "schema.name"; throws a ConfigException naming the key when it is not plain identifiers. */
    static String[] splitTable(String table, String key) {
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2) throw badIdentifier(table, key);
        for (String p : parts) if (!isIdentifier(p)) throw badIdentifier(table, key);
        return parts;
    }

    static ConfigException badIdentifier(String value, String key) {
        return new ConfigException(key + ": '" + value + "' is not a plain identifier; use letters, digits, _ and $ "
                + "(optionally schema.table), e.g. public.orders");
    }

    /**
     * Quotes an identifier as the database would fold it unquoted (PostgreSQL lower case, H2 upper case), so
     * tables we create can be queried without quotes and reserved words still work.
     */
    String quoteFolded(String name) {
        return switch (this) {
            case POSTGRES -> '"' + name.toLowerCase(Locale.ROOT) + '"';
            case H2 -> '"' + name.toUpperCase(Locale.ROOT) + '"';
            case MARIADB -> '`' + name + '`';
        };
    }

    String fold(String name) {
        return switch (this) {
            case POSTGRES -> name.toLowerCase(Locale.ROOT);
            case H2 -> name.toUpperCase(Locale.ROOT);
            case MARIADB -> name;
        };
    }

    /** Quotes a name exactly as the database reported it (column names from metadata). */
    String quoteExact(String name) {
        if (this == MARIADB) return '`' + name.replace("`", "``") + '`';
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    String qualifiedTable(String table, String key) {
        String[] parts = splitTable(table, key);
        return parts.length == 1 ? quoteFolded(parts[0]) : quoteFolded(parts[0]) + "." + quoteFolded(parts[1]);
    }

    /** Row-value comparison (a,b) > (?,?): PostgreSQL and H2 use indexes with it; MariaDB gets the OR form. */
    boolean rowValues() {
        return this != MARIADB;
    }

    String ddlType(Column c, boolean isKey) {
        return switch (this) {
            case POSTGRES -> switch (c.type()) {
                case STRING -> c.length() > 0 ? "varchar(" + c.length() + ")" : "text";
                case TEXT -> "text";
                case JSON -> "jsonb"; // json has no equality operator, which IS DISTINCT FROM needs
                case BOOLEAN -> "boolean";
                case SMALLINT -> "smallint";
                case INTEGER -> "integer";
                case BIGINT -> "bigint";
                case DECIMAL -> c.precision() > 0 ? "numeric(" + c.precision() + "," + c.scale() + ")" : "numeric";
                case REAL -> "real";
                case DOUBLE -> "double precision";
                case DATE -> "date";
                case TIME -> "time";
                case TIMESTAMP -> "timestamp";
                case TIMESTAMPTZ -> "timestamptz";
                case BYTES -> "bytea";
                case UUID -> "uuid";
            };
            case MARIADB -> switch (c.type()) {
                // an index holds at most 3072 bytes = 768 utf8mb4 characters
                case STRING -> c.length() > 0 && c.length() <= 16000 ? "VARCHAR(" + c.length() + ")"
                        : isKey ? "VARCHAR(768)" : "LONGTEXT";
                case TEXT, JSON -> isKey ? "VARCHAR(768)" : "LONGTEXT";
                case BOOLEAN -> "BOOLEAN";
                case SMALLINT -> "SMALLINT";
                case INTEGER -> "INT";
                case BIGINT -> "BIGINT";
                case DECIMAL -> c.precision() > 0 && c.precision() <= 65
                        ? "DECIMAL(" + c.precision() + "," + Math.min(c.scale(), 30) + ")" : "DECIMAL(65,20)";
                case REAL -> "FLOAT";
                case DOUBLE -> "DOUBLE";
                case DATE -> "DATE";
                case TIME -> "TIME(6)";
                case TIMESTAMP, TIMESTAMPTZ -> "DATETIME(6)"; // TIMESTAMPTZ stored as UTC
                case BYTES -> isKey ? "VARBINARY(768)" : "LONGBLOB";
                case UUID -> "CHAR(36)";
            };
            case H2 -> switch (c.type()) {
                case STRING -> c.length() > 0 ? "VARCHAR(" + c.length() + ")" : "VARCHAR";
                case TEXT, JSON -> "VARCHAR";
                case BOOLEAN -> "BOOLEAN";
                case SMALLINT -> "SMALLINT";
                case INTEGER -> "INTEGER";
                case BIGINT -> "BIGINT";
                case DECIMAL -> c.precision() > 0 ? "NUMERIC(" + c.precision() + "," + c.scale() + ")" : "DECFLOAT"; // H2 reads a bare NUMERIC as NUMERIC(100000, 0): it would round 1.5 to 2
                case REAL -> "REAL";
                case DOUBLE -> "DOUBLE PRECISION";
                case DATE -> "DATE";
                case TIME -> "TIME(6)";
                case TIMESTAMP -> "TIMESTAMP(6)";
                case TIMESTAMPTZ -> "TIMESTAMP(6) WITH TIME ZONE";
                case BYTES -> "VARBINARY";
                case UUID -> "UUID";
            };
        };
    }

}
