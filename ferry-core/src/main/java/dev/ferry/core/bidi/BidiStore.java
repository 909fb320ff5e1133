package dev.ferry.core.bidi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a bidirectional sync keeps between runs: the base of every record, each side's high-water mark, and the
 * conflicts. Implementations live with the state store ({@code StateStore#bidi()}).
 */
public interface BidiStore {

    /** The base rows of these keys (absent keys are new to the sync). */
    Map<String, BaseRow> base(String syncName, Collection<String> keys);

    /** Every key in the base (a full pass finds deletions among them). */
    List<String> baseKeys(String syncName);

    /** Up to {@code limit} keys of the base after {@code after} (none: from the first), in key order: a page of it. */
    List<String> baseKeys(String syncName, Optional<String> after, int limit);

    long baseSize(String syncName);

    /**
     * One atomic step: upsert these base rows, drop these keys, and store the conflicts. A record with id 0 is new,
     * except that a re-run after a crash finds some again: a PENDING one updates the open pending record of its key and
     * field, a DECIDED or APPLIED one equal in key, field, base, a and b to one on record in the same status is that
     * record. A record with an id replaces that record (closing it, or turning a DECIDED one APPLIED).
     *
     * @return the conflicts as stored, in the order given, each with its id
     */
    List<Conflict> commit(String syncName, List<BaseRow> upserts, List<String> deletes, List<Conflict> conflicts);

    /** Each side's high-water mark ("a", "b"), from the last completed run. */
    Map<String, String> cursors(String syncName);

    void saveCursors(String syncName, Map<String, String> cursors);

    /** Forget the high-water marks (a full refresh reads both sides whole; the base stays). */
    void resetCursors(String syncName);

    /** Conflicts, newest first; filtered by sync and status when given. */
    List<Conflict> conflicts(Optional<String> syncName, Optional<Conflict.Status> status, int limit);

    Optional<Conflict> conflict(long id);

    /** A person's decision on a pending conflict; written to both sides at the sync's next run. */
    void resolve(long id, Optional<String> value, String resolvedBy, Instant at);

    /** Forget everything of a sync (tests, or a sync that is deleted). */
    void dropSync(String syncName);
}
