package dev.ferry.core;

import dev.ferry.spi.RecordException;
import dev.ferry.spi.RetriableSyncException;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** The one place where failures are sorted into transient, record-level and fatal. */
public final class ErrorClassifier {
    private ErrorClassifier() {
    }

    public static ErrorKind classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableSyncException) return ErrorKind.TRANSIENT;
            if (t instanceof RecordException) return ErrorKind.RECORD;
            if (t instanceof SQLException sql) {
                ErrorKind k = bySqlState(sql);
                if (k != null) return k;
                if (sql instanceof SQLTransientException || sql instanceof SQLRecoverableException) return ErrorKind.TRANSIENT;
            }
            if (t instanceof SocketTimeoutException || t instanceof ConnectException
                    || t instanceof SocketException || t instanceof EOFException) {
                return ErrorKind.TRANSIENT;
            }
        }
        return ErrorKind.FATAL;
    }

    /** SQLSTATE classes: 08 connection, 40001/40P01 serialization/deadlock, 53 resources, 57P01-03 shutdown. */
    static ErrorKind bySqlState(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if (state == null || state.length() < 2) continue;
            if (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("53")
                    || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                    || state.equals("HYT00") || state.equals("HYT01")) {
                return ErrorKind.TRANSIENT;
            }
            // MariaDB deadlock / lock wait time-out carry 40001 / HY000 with codes 1213 / 1205
            if (s.getErrorCode() == 1213 || s.getErrorCode() == 1205) return ErrorKind.TRANSIENT;
            if (state.startsWith("22") || state.startsWith("23")) return ErrorKind.RECORD;
        }
        return null;
    }

    /** The most telling message in a cause chain, for users (no stack trace). */
    public static String describe(Throwable error) {
        String best = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                if (best == null) best = t.getMessage();
                // the driver's first line once: a message that quotes it already needs no repeat
                if (t instanceof SQLException) return best.contains(firstLine(t.getMessage())) ? best : best + ": " + firstLine(t.getMessage());
            }
        }
        return best == null ? error.getClass().getSimpleName() : best;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
