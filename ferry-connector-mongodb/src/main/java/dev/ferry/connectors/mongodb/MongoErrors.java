package dev.ferry.connectors.mongodb;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.bulk.BulkWriteError;
import dev.ferry.spi.RecordException;
import dev.ferry.spi.RetriableSyncException;
import dev.ferry.spi.SyncException;
import org.bson.BsonMaximumSizeExceededException;

import java.util.Set;
import java.util.stream.Collectors;

/** Sorts MongoDB driver failures into Ferry's types: per-document → record, connection/election → retriable, else fatal. */
final class MongoErrors {
    /** Server error codes that mean "try again": network, elections, shutdown, write conflicts, lock time-outs. */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(6, 7, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602,
            13435, 13436, 50, 24, 46);

    private MongoErrors() {
    }

    static SyncException translate(RuntimeException e, MongoSettings s, String collection, String action) {
        if (e instanceof SyncException se) return se;
        String where = s.database() + "." + collection + " at " + s.safeUrl();
        String msg = MongoSettings.scrub(e.getMessage(), s.url());
        if (e instanceof MongoBulkWriteException b) {
            if (!b.getWriteErrors().isEmpty()) {
                String errors = b.getWriteErrors().stream().limit(3).map(MongoErrors::describe)
                        .collect(Collectors.joining("; "));
                if (b.getWriteErrors().stream().allMatch(w -> TRANSIENT_CODES.contains(w.getCode()))) {
                    return new RetriableSyncException(action + " " + where + " failed for a moment: " + errors, e);
                }
                return new RecordException(action + " " + where + ": " + b.getWriteErrors().size()
                        + " document(s) rejected: " + errors, e);
            }
            return new RetriableSyncException(action + " " + where + ": write concern not satisfied ("
                    + MongoSettings.scrub(String.valueOf(b.getWriteConcernError()), s.url()) + "); will retry", e);
        }
        if (e instanceof BsonMaximumSizeExceededException) {
            return new RecordException(action + " " + where + ": a document is larger than MongoDB's 16 MB limit ("
                    + msg + ")", e);
        }
        if (isTransient(e)) {
            return new RetriableSyncException(action + " " + where + " failed (" + msg + "); will retry", e);
        }
        if (e instanceof MongoSecurityException) {
            return new SyncException(action + " " + where + ": authentication failed; check the user and password in "
                    + s.path() + ".url (and authSource=…)", e);
        }
        if (e instanceof MongoCommandException c && c.getErrorCode() == 13) {
            return new SyncException(action + " " + where + ": not authorized (" + msg + "); grant the user readWrite on "
                    + s.database(), e);
        }
        return new SyncException(action + " " + where + " failed: " + msg + "; check " + s.path()
                + ".url/database/table and that the server accepts writes", e);
    }

    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoSocketException || t instanceof MongoTimeoutException
                    || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException
                    || t instanceof MongoExecutionTimeoutException || t instanceof MongoWriteConcernException
                    || t instanceof MongoInterruptedException) {
                return true;
            }
            if (t instanceof MongoException m) {
                if (m.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                        || m.hasErrorLabel(MongoException.UNKNOWN_TRANSACTION_COMMIT_RESULT_LABEL)
                        || m.hasErrorLabel("RetryableWriteError")
                        || TRANSIENT_CODES.contains(m.getCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describe(BulkWriteError w) {
        String m = w.getMessage() == null ? "" : w.getMessage();
        if (m.length() > 200) m = m.substring(0, 200) + "…";
        return "document #" + w.getIndex() + " (code " + w.getCode() + "): " + m;
    }
}
