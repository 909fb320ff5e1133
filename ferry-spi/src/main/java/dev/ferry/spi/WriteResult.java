package dev.ferry.spi;

/**
 * What a write did: rows new to the destination, rows changed, rows already equal (not rewritten), and rows
 * folded into an existing record by deduplication ({@code merged}; 0 for writers that do not deduplicate).
 */
public record WriteResult(long inserted, long updated, long unchanged, long merged) {
    public static final WriteResult NONE = new WriteResult(0, 0, 0, 0);

    public WriteResult(long inserted, long updated, long unchanged) {
        this(inserted, updated, unchanged, 0);
    }

    public WriteResult plus(WriteResult o) {
        return new WriteResult(inserted + o.inserted, updated + o.updated, unchanged + o.unchanged, merged + o.merged);
    }

    public long total() {
        return inserted + updated + unchanged + merged;
    }
}
