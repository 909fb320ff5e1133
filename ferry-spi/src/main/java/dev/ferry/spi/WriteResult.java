package dev.ferry.spi;

/** What a write did: rows new to the destination, rows changed, rows already equal (not rewritten). */
public record WriteResult(long inserted, long updated, long unchanged) {
    public static final WriteResult NONE = new WriteResult(0, 0, 0);

    public WriteResult plus(WriteResult o) {
        return new WriteResult(inserted + o.inserted, updated + o.updated, unchanged + o.unchanged);
    }

    public long total() {
        return inserted + updated + unchanged;
    }
}
