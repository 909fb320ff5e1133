package dev.ferry.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A connected source. Opened by a {@link SourceFactory}; closed by the engine when the run ends. */
public interface Source extends AutoCloseable {

    /** The columns the source delivers. */
    Schema schema();

    /** Count rows and fix the cursor's upper bound before reading. May return {@link Plan#unknown()}. */
    default Plan plan(ReadSpec spec) {
        return Plan.unknown();
    }

    /**
     * Open a reader for the run. {@code resumeAfter} is a position from an earlier {@link Batch#position()}:
     * the reader continues right after it.
     */
    SourceReader open(ReadSpec spec, Optional<String> resumeAfter);

    /**
     * Digests of key ranges computed inside the source, without shipping rows: one per range, where range 0 runs
     * from the start of the key space to {@code thresholds[0]} (exclusive), range i from {@code thresholds[i-1]}
     * (inclusive) to {@code thresholds[i]}, and the last one to the end. Must equal the digests this source puts on
     * its batches for the same rows. Empty when the source cannot (the engine then reads everything).
     */
    default Optional<List<RangeDigest>> digestRanges(ReadSpec spec, List<String> thresholds) {
        return Optional.empty();
    }

    /**
     * Cuts the rows {@code spec} selects into about {@code parts} contiguous key ranges of similar size, so that
     * several readers (each with {@code spec.withRanges(List.of(range))}) can read them side by side. The ranges
     * cover the whole key space in ascending order (the first has no {@code from}, the last no {@code to}). Empty
     * (the default) when the source cannot read key ranges, or the rows are too few for a split to pay.
     */
    default List<KeyRange> split(ReadSpec spec, int parts) {
        return List.of();
    }

    /**
     * True when every pass delivers each key at most once and in ascending key order across batches (keyset
     * readers of a table keyed by a unique key). Destinations may then load an empty table without merging.
     */
    default boolean deliversAscendingUniqueKeys() {
        return false;
    }

    /** Figures about what was read (bytes, lines, …), shown in the run's stats. */
    default Map<String, Object> stats() {
        return Map.of();
    }

    /**
     * The share of the run's progress bar (0..1) taken by work the source does before rows flow — a download and a
     * pass over the file, say — so a long preparation shows progress too. 0 (the default) for sources that stream
     * from the start. E.g. a sheet import: downloading 0–60 %, processing 60–80 %, saving rows 80–100 %.
     */
    default double preparationShare() {
        return 0.0;
    }

    /** How far the preparation is (0..1); 1 once it is done. Polled from another thread while it runs. */
    default double preparationProgress() {
        return 1.0;
    }

    /**
     * An identity of the content this source delivers (an HTTP ETag or Last-Modified, a file checksum), known once
     * the source has loaded; the engine keeps it with a completed run. Empty for sources that have none.
     */
    default Optional<String> contentVersion() {
        return Optional.empty();
    }

    /**
     * Whether the content is still the one {@code version} (an earlier {@link #contentVersion()}) identified — e.g.
     * a conditional GET answered 304 Not Modified. True lets the engine end the run without reading anything.
     * May fetch (a 200 answer is kept for the run); false when unsure.
     */
    default boolean unchangedSince(String version) {
        return false;
    }

    /** Phase names while reading, e.g. "downloading" for a file fetched before it is parsed. */
    default Optional<String> phase() {
        return Optional.empty();
    }

    @Override
    void close();
}
