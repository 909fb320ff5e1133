package dev.ferry.core;

import dev.ferry.spi.KeyRange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoint position of a pass read in several key ranges side by side ("lanes"): for each lane its range, the
 * position after its last committed batch and whether it is done. A pass with one lane keeps the source's own
 * position string, so its checkpoints read as before; this form is marked by {@link #PREFIX}.
 */
final class Lanes {
    static final String PREFIX = "ferry-lanes:";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** One lane's state; {@code after} is a source position as {@link dev.ferry.spi.Batch#position()} gives it. */
    record State(KeyRange range, Optional<String> after, boolean done) {
        State withAfter(String position) {
            return new State(range, Optional.of(position), done);
        }

        State finished() {
            return new State(range, after, true);
        }
    }

    private Lanes() {
    }

    static boolean isLanes(Optional<String> position) {
        return position.isPresent() && position.get().startsWith(PREFIX);
    }

    static String encode(List<State> lanes) {
        ArrayNode array = JSON.createArrayNode();
        for (State s : lanes) {
            ObjectNode o = array.addObject();
            s.range().from().ifPresent(v -> o.put("from", v));
            s.range().to().ifPresent(v -> o.put("to", v));
            s.after().ifPresent(v -> o.put("after", v));
            if (s.done()) o.put("done", true);
        }
        return PREFIX + JSON.writeValueAsString(array);
    }

    static List<State> decode(String position) {
        if (!position.startsWith(PREFIX)) throw new IllegalArgumentException("not a lanes position: " + position);
        JsonNode array = JSON.readTree(position.substring(PREFIX.length()));
        List<State> out = new ArrayList<>();
        for (JsonNode o : array) {
            out.add(new State(new KeyRange(text(o, "from"), text(o, "to")), text(o, "after"),
                    o.path("done").asBoolean(false)));
        }
        return out;
    }

    private static Optional<String> text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asString());
    }

    /** Fresh lanes over {@code ranges}: nothing read yet. */
    static List<State> start(List<KeyRange> ranges) {
        List<State> out = new ArrayList<>();
        for (KeyRange r : ranges) out.add(new State(r, Optional.empty(), false));
        return out;
    }

    /**
     * The lanes of a pass: each lane's state (its covering range, for the checkpoint), the key ranges it reads in
     * this run, and the digest ordinal bases of those ranges.
     */
    record Plan(List<State> states, List<List<KeyRange>> ranges, List<List<Long>> bases) {
        int size() {
            return states.size();
        }
    }

    /** Lanes over a source's split: one range each, digest ordinals of lane i after those of lane i-1. */
    static Plan fromSplit(List<KeyRange> split) {
        List<List<KeyRange>> ranges = new ArrayList<>();
        List<List<Long>> bases = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            ranges.add(List.of(split.get(i)));
            bases.add(List.of(i * Engine.STRIDE));
        }
        return new Plan(start(split), ranges, bases);
    }

    /**
     * Lanes over the key ranges the digests found changed (each about one batch): contiguous groups, at least
     * {@code perLane} ranges a lane; null when that leaves fewer than two lanes. A lane's checkpoint range covers
     * its group, unchanged ranges in between included: a resume (which drops the digests) reads those again.
     */
    static Plan fromChanged(List<KeyRange> changed, List<Long> bases, int lanes, int perLane) {
        int parts = Math.min(lanes, changed.size() / Math.max(1, perLane));
        if (parts < 2 || bases.size() != changed.size()) return null;
        List<State> states = new ArrayList<>();
        List<List<KeyRange>> ranges = new ArrayList<>();
        List<List<Long>> laneBases = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = changed.size() * p / parts, to = changed.size() * (p + 1) / parts;
            List<KeyRange> group = changed.subList(from, to);
            ranges.add(List.copyOf(group));
            laneBases.add(List.copyOf(bases.subList(from, to)));
            states.add(new State(new KeyRange(group.get(0).from(), group.get(group.size() - 1).to()), Optional.empty(), false));
        }
        return new Plan(states, ranges, laneBases);
    }

    /** Lanes of an interrupted pass, each carrying on in its covering range (no digests are recorded on a resume). */
    static Plan resumed(List<State> states) {
        List<List<KeyRange>> ranges = new ArrayList<>();
        List<List<Long>> bases = new ArrayList<>();
        for (State s : states) {
            ranges.add(List.of(s.range()));
            bases.add(List.of(0L));
        }
        return new Plan(states, ranges, bases);
    }
}
