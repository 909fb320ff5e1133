package dev.ferry.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What {@code ferry bench} measured: one {@link Step} per line of the table, printed as text or JSON. */
final class BenchReport {
    enum Outcome { OK, FAILED, SKIPPED }

    /** One timed repetition: wall clock (including JVM start for Ferry runs) and what the run reported. */
    record Repetition(double wallSeconds, Optional<Double> runSeconds, Map<String, Long> counters,
                      Optional<Long> peakHeapBytes, Map<String, Object> extra) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("wallSeconds", round(wallSeconds, 3));
            m.put("runSeconds", runSeconds.orElse(null));
            m.put("counters", counters.isEmpty() ? null : counters);
            m.put("peakHeapBytes", peakHeapBytes.orElse(null));
            m.putAll(extra);
            return m;
        }
    }

    /** A PASS/MISS target: its text and whether the measured figure met it (empty when not measurable). */
    record Target(String text, Optional<Boolean> pass) {
        String verdict() {
            return pass.map(p -> p ? "PASS" : "MISS").orElse("-");
        }
    }

    static final class Step {
        final String id;
        final String title;
        final long rows;
        Outcome outcome = Outcome.OK;
        String problem;
        final List<Repetition> repetitions = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Map<String, Object> figures = new LinkedHashMap<>();
        Double ratio;
        Double rowsPerSecond;
        Target target;

        Step(String id, String title, long rows) {
            this.id = id;
            this.title = title;
            this.rows = rows;
        }

        void fail(String why) {
            if (outcome != Outcome.FAILED) {
                outcome = Outcome.FAILED;
                problem = why;
            } else {
                problem = problem + "; " + why;
            }
        }

        void skip(String why) {
            outcome = Outcome.SKIPPED;
            problem = why;
        }

        Optional<Double> medianWall() {
            return median(repetitions.stream().map(Repetition::wallSeconds).toList());
        }

        Optional<Double> medianRun() {
            return median(repetitions.stream().flatMap(r -> r.runSeconds().stream()).toList());
        }

        Optional<Long> medianPeakHeap() {
            return median(repetitions.stream().flatMap(r -> r.peakHeapBytes().stream()).map(Long::doubleValue).toList())
                    .map(Math::round);
        }

        /** The counters of the last repetition (every repetition's counters were checked). */
        Map<String, Long> counters() {
            return repetitions.isEmpty() ? Map.of() : repetitions.getLast().counters();
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("title", title);
            m.put("rows", rows);
            m.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
            m.put("problem", problem);
            m.put("repetitions", repetitions.stream().map(Repetition::asMap).toList());
            m.put("medianWallSeconds", medianWall().map(s -> round(s, 3)).orElse(null));
            m.put("medianRunSeconds", medianRun().map(s -> round(s, 3)).orElse(null));
            m.put("rowsPerSecond", rowsPerSecond == null ? null : Math.round(rowsPerSecond));
            m.put("ratioToBaseline", ratio == null ? null : round(ratio, 3));
            m.put("counters", counters().isEmpty() ? null : counters());
            m.put("peakHeapBytes", medianPeakHeap().orElse(null));
            m.putAll(figures);
            m.put("target", target == null ? null : target.text());
            m.put("targetMet", target == null ? null : target.pass().orElse(null));
            m.put("notes", notes);
            return m;
        }
    }

    final List<Step> steps = new ArrayList<>();
    final Map<String, Object> setup = new LinkedHashMap<>();

    Step add(Step s) {
        steps.add(s);
        return s;
    }

    boolean allOk() {
        return steps.stream().noneMatch(s -> s.outcome == Outcome.FAILED);
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>(setup);
        m.put("steps", steps.stream().map(Step::asMap).toList());
        m.put("allStepsOk", allOk());
        return m;
    }

    void printTable(PrintStream out) {
        String fmt = "%-30s %9s %10s %7s %9s %9s %9s  %-34s %s%n";
        out.printf(fmt, "STEP", "SECONDS", "ROWS/S", "×BASE", "INSERTED", "UPDATED", "UNCHANGED", "TARGET", "NOTES");
        for (Step s : steps) {
            Map<String, Long> c = s.counters();
            String target = s.target == null ? "" : s.target.verdict() + " " + s.target.text();
            List<String> notes = new ArrayList<>(s.notes);
            if (s.outcome != Outcome.OK) notes.addFirst(s.outcome + ": " + s.problem);
            out.printf(Locale.ROOT, fmt, s.title,
                    s.medianWall().map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("-"),
                    s.rowsPerSecond == null ? "-" : String.format(Locale.ROOT, "%,d", Math.round(s.rowsPerSecond)),
                    s.ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", s.ratio),
                    count(c, "inserted"), count(c, "updated"), count(c, "unchanged"), target, String.join("; ", notes));
        }
    }

    private static String count(Map<String, Long> c, String key) {
        Long v = c.get(key);
        return v == null ? "-" : String.format(Locale.ROOT, "%,d", v);
    }

    static Optional<Double> median(List<Double> values) {
        if (values.isEmpty()) return Optional.empty();
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return Optional.of(n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
