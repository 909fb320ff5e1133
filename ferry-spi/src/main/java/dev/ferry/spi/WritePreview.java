package dev.ferry.spi;

import java.util.List;

/**
 * What a write of one batch would do, found without writing: the counts {@link DestinationWriter#write} would
 * return, and each row it would insert or update (unchanged rows are only counted).
 */
public record WritePreview(WriteResult counts, List<RowChange> changes) {
    public WritePreview {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }
}
