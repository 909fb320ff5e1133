package dev.ferry.spi;

import java.util.List;

/**
 * What one batch makes of a linked table: for every primary record in the batch, its row here replaces the one the
 * table held for it (upsert by link key); a primary record of the batch without a row here loses the one it had.
 */
public record LinkedRows(LinkedTable table, List<Object[]> rows) {
    public LinkedRows {
        rows = rows == null ? List.of() : rows;
    }
}
