package dev.ferry.spi;

import java.util.List;

/** What {@link DestinationWriter#writeLinked} did: to the primary table, and to each linked table. */
public record LinkedWriteResult(WriteResult primary, List<LinkedResult> linked) {
    public LinkedWriteResult {
        linked = List.copyOf(linked);
    }
}
