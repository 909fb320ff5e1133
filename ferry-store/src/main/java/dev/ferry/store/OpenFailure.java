package dev.ferry.store;

import dev.ferry.spi.SyncException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;

/** Turns a failure to open the state store into one line: which store (no password), what happened, what to do. */
final class OpenFailure {
    private OpenFailure() {
    }

    static SyncException explain(String displayUrl, Dialect dialect, String user, Throwable e) {
        if (e instanceof SyncException s && s.getMessage() != null && s.getMessage().startsWith("state store ")) return s;
        // Flyway and driver messages may quote the URL, password included
        return new SyncException("state store " + displayUrl + ": " + StoreUrl.redact(reason(dialect, user, e)), e);
    }

    private static String reason(Dialect dialect, String user, Throwable e) {
        String who = user == null || user.isBlank() ? "the configured user" : "user " + user;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || contains(t, "connection refused") || contains(t, "could not connect to address")
                    || contains(t, "socket fail to connect")) {
                return switch (dialect) {
                    case POSTGRESQL -> "connection refused; is PostgreSQL running? start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start";
                    case MARIADB -> "connection refused; is MariaDB running? start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd";
                    case H2 -> "connection refused; is the H2 server running? (or use a file URL such as jdbc:h2:file:./.ferry/state)";
                };
            }
            if (t instanceof UnknownHostException) return "unknown host " + t.getMessage() + "; check the host name in the URL";
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                int code = sql.getErrorCode();
                if (state.equals("28P01") || state.equals("28000") || code == 1045) {
                    return "authentication failed for " + who + "; check the state store's user and password";
                }
                if (state.equals("3D000") || code == 1049) {
                    return "the database does not exist; create it (PostgreSQL: createdb NAME; MariaDB: CREATE DATABASE NAME) "
                            + "or point the URL at an existing one";
                }
                if (code == 90020 || code == 90135) {
                    return "the state file is locked by another process that opened it without AUTO_SERVER=TRUE; "
                            + "stop that process or add ;AUTO_SERVER=TRUE to its URL";
                }
                if (code == 90048 || code == 90030) {
                    return "the state file is not a readable H2 database (" + JdbcStateStore.firstLine(sql.getMessage())
                            + "); move it aside and run again to start a fresh state";
                }
                if (code == 90028) {
                    return "cannot read or write the state file (" + JdbcStateStore.firstLine(sql.getMessage())
                            + "); check the folder's permissions, or move a damaged file aside to start a fresh state";
                }
            }
        }
        // only once no known cause was found deeper: Flyway wraps connection failures too
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("org.flywaydb.") && !t.getMessage().startsWith("Unable to obtain connection")) {
                return "could not create or upgrade its tables: " + JdbcStateStore.firstLine(t.getMessage());
            }
        }
        return JdbcStateStore.firstLine(mostTelling(e));
    }

    private static boolean contains(Throwable t, String needle) {
        return t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(needle);
    }

    private static String mostTelling(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException && t.getMessage() != null) return t.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
