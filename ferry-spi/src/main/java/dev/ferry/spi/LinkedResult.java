package dev.ferry.spi;

/** What a batch did to one linked table: rows inserted/updated/unchanged, and rows removed (their condition stopped holding). */
public record LinkedResult(String table, WriteResult written, long deleted) {
    public LinkedResult plus(LinkedResult o) {
        return new LinkedResult(table, written.plus(o.written), deleted + o.deleted);
    }
}
