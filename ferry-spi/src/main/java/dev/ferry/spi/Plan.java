package dev.ferry.spi;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a source could tell before reading.
 *
 * @param totalRows  rows the run will read, if the source can count them cheaply
 * @param totalBytes bytes the run will read, if known (files, downloads)
 * @param cursorTo   the cursor's current maximum (encoded), the upper bound of an incremental run
 */
public record Plan(OptionalLong totalRows, OptionalLong totalBytes, Optional<String> cursorTo) {
    public static Plan unknown() {
        return new Plan(OptionalLong.empty(), OptionalLong.empty(), Optional.empty());
    }
}
