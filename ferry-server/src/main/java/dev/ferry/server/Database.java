package dev.ferry.server;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The state database's vendor and the URL details the server needs (the store applies the same H2 defaults). */
enum Database {
    H2("h2"), POSTGRESQL("postgresql"), MYSQL("mysql");

    private static final Pattern PG_SCHEMA = Pattern.compile("[?&]currentSchema=([^&]+)");
    final String migrations;

    Database(String migrations) {
        this.migrations = migrations;
    }

    static Database of(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:h2:")) return H2;
        if (u.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) return MYSQL;
        throw new IllegalArgumentException("ferry.state: '" + redact(url) + "' is not an H2, PostgreSQL or MariaDB JDBC URL");
    }

    /** H2 files are shared with the state store (and other processes): the store's own settings, plus a lock wait in memory. */
    static String withDefaults(String url) {
        if (url.startsWith("jdbc:h2:mem:") && !url.toUpperCase(Locale.ROOT).contains(";LOCK_TIMEOUT=")) {
            return url + ";LOCK_TIMEOUT=10000"; // concurrent triggers wait on the tenant's row lock
        }
        return dev.ferry.store.StoreUrl.withDefaults(url);
    }

    static boolean isH2File(String url) {
        return dev.ferry.store.StoreUrl.isH2File(url);
    }

    /** The file path of an H2 file URL without its settings ("./.ferry/state"). */
    static String h2FilePath(String url) {
        String rest = url.substring("jdbc:h2:".length());
        if (rest.startsWith("file:")) rest = rest.substring("file:".length());
        int semi = rest.indexOf(';');
        return semi >= 0 ? rest.substring(0, semi) : rest;
    }

    static Optional<String> postgresSchema(String url) {
        Matcher m = PG_SCHEMA.matcher(url);
        if (!m.find()) return Optional.empty();
        String first = m.group(1).split(",")[0].trim();
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***").replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
    }
}
