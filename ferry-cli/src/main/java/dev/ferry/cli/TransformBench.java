package dev.ferry.cli;

import dev.ferry.core.transform.FieldMapping;
import dev.ferry.core.transform.RecordTransformer;
import dev.ferry.core.transform.TransformConfig;
import dev.ferry.core.transform.TransformSpec;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code ferry bench transform}: the cost of mapping + validation of one 22-column task-detail record (the shape of
 * ../shared/bench/taskdetail.sql), in one JVM, no database: ns per record per output field. Measures the sync-file
 * mapping as written (renames and constants take the fast path) and the same mapping with every field forced
 * through JSONata, so the fast path's worth is visible.
 */
@Command(name = "transform", description = {"Time mapping + validation of a 22-column task-detail record (no database).",
        "Prints ns per record per field for the mapping as written and with every field through JSONata."})
final class TransformBench implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "200000", description = "Records per measured pass (default ${DEFAULT-VALUE})") int records;
    @Option(names = "--passes", defaultValue = "5", description = "Measured passes after 3 warm-up passes; the median is reported (default ${DEFAULT-VALUE})") int passes;

    static final Schema TASKDETAIL = new Schema(List.of(
            new Column("taskdetailkey", ColumnType.STRING, 10, 0, 0, false), new Column("whseid", ColumnType.STRING, 30, 0, 0, false),
            new Column("tasktype", ColumnType.STRING, 10, 0, 0, false), new Column("storerkey", ColumnType.STRING, 15, 0, 0, false),
            new Column("sku", ColumnType.STRING, 50, 0, 0, false), new Column("lot", ColumnType.STRING, 10, 0, 0, true),
            new Column("fromloc", ColumnType.STRING, 10, 0, 0, true), new Column("toloc", ColumnType.STRING, 10, 0, 0, true),
            new Column("fromid", ColumnType.STRING, 18, 0, 0, true), new Column("toid", ColumnType.STRING, 18, 0, 0, true),
            new Column("qty", ColumnType.DECIMAL, 0, 22, 5, false), new Column("uom", ColumnType.STRING, 10, 0, 0, true),
            new Column("status", ColumnType.STRING, 10, 0, 0, false), Column.of("priority", ColumnType.SMALLINT),
            new Column("userkey", ColumnType.STRING, 18, 0, 0, true), new Column("orderkey", ColumnType.STRING, 10, 0, 0, true),
            new Column("orderlinenumber", ColumnType.STRING, 5, 0, 0, true), new Column("wavekey", ColumnType.STRING, 10, 0, 0, true),
            Column.of("starttime", ColumnType.TIMESTAMPTZ), Column.of("endtime", ColumnType.TIMESTAMPTZ),
            Column.of("adddate", ColumnType.TIMESTAMPTZ).withNullable(false), Column.of("editdate", ColumnType.TIMESTAMPTZ).withNullable(false)));

    /** 22 output fields: 13 renames, 2 converted renames, 7 computed (upper-case, lookup, join ×2, arithmetic, date). */
    static final String SYNC_TRANSFORM = """
            transform:
              lookups:
                tasktypes: {PK: pick, PA: putaway, MV: move, RP: replenish, CC: count, LD: load}
              mapping:
                task_id: taskdetailkey
                warehouse: $uppercase(whseid)
                task_type: $lookup($tasktypes, tasktype)
                storer: storerkey
                sku: sku
                lot: lot
                from_loc: fromloc
                to_loc: toloc
                route: fromloc & '>' & toloc
                to_id: toid
                qty: {expr: qty, type: "decimal(22,5)"}
                qty_units: {expr: "qty * (uom = 'CS' ? 12 : 1)", type: "decimal(22,5)"}
                uom: uom
                status: status
                priority: {expr: priority, type: integer}
                user_key: userkey
                order_ref: orderkey & '-' & orderlinenumber
                wave: wavekey
                start_time: starttime
                end_time: endtime
                added_on: {expr: "$substring(adddate, 0, 10)", type: date}
                edited: editdate
              validate:
                task_id: {required: true, pattern: "[0-9]{10}"}
                status: {allowed: ['0', '3', '9', X]}
                qty: {min: 0}
                priority: {min: 0, max: 9}
            """;

    @Override
    public Integer call() {
        List<Object[]> rows = rows(records, 42);
        double fast = measure(compile(SYNC_TRANSFORM), rows);
        // before the fast paths: the same mapping with every expression in parentheses, which only JSONata evaluates
        double slow = measure(allThroughJsonata(), rows);
        System.out.printf("transform bench: %d records × 22 fields, median of %d passes%n", records, passes);
        System.out.printf("  mapping as written (fast paths: renames, constants, joins, $uppercase, $lookup, …): %.0f ns/record = %.1f ns per record per field%n", fast * 22, fast);
        System.out.printf("  every field through JSONata (no fast path):                                         %.0f ns/record = %.1f ns per record per field%n", slow * 22, slow);
        System.out.printf("  bar: 2000 ns per record per field -> %s%n", fast < 2000 ? "met" : "NOT met");
        return fast < 2000 ? 0 : 1;
    }

    static TransformSpec spec(String yaml) {
        Map<?, ?> root = YAMLMapper.builder().build().readValue(yaml, Map.class);
        List<String> problems = new ArrayList<>();
        TransformSpec spec = TransformConfig.parse(root.get("transform"), null, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return spec;
    }

    static RecordTransformer compile(String yaml) {
        return RecordTransformer.compile(spec(yaml), TASKDETAIL, List.of("taskdetailkey"));
    }

    static RecordTransformer allThroughJsonata() {
        TransformSpec s = spec(SYNC_TRANSFORM);
        List<FieldMapping> wrapped = s.mapping().stream()
                .map(m -> new FieldMapping(m.name(), "(" + m.expression() + ")", m.type(), m.format())).toList();
        return RecordTransformer.compile(new TransformSpec(wrapped, s.lookups(), List.of("task_id"), s.rules(), List.of()),
                TASKDETAIL, List.of("taskdetailkey"));
    }

    /** ns per record per field, median of the measured passes. */
    private double measure(RecordTransformer t, List<Object[]> rows) {
        long sink = 0;
        List<Double> results = new ArrayList<>();
        for (int pass = 0; pass < 3 + passes; pass++) {
            long start = System.nanoTime();
            for (Object[] r : rows) {
                RecordTransformer.Outcome o = t.apply(r);
                if (o.skipped()) throw new IllegalStateException("bench record skipped: " + o.violation().reason());
                sink += o.row().length;
            }
            long ns = System.nanoTime() - start;
            if (pass >= 3) results.add((double) ns / rows.size() / 22);
        }
        if (sink == 0) System.out.print("");
        results.sort(Double::compare);
        return results.get(results.size() / 2);
    }

    /** Task-detail rows as the SQL generator makes them (same value shapes). */
    static List<Object[]> rows(int n, long seed) {
        Random random = new Random(seed);
        String[] types = {"PK", "PA", "MV", "RP", "CC", "LD"};
        String[] uoms = {"EA", "CS", "PL"};
        String[] statuses = {"0", "3", "9", "X"};
        OffsetDateTime base = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        List<Object[]> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            long g = i + random.nextInt(3);
            out.add(new Object[]{String.format("%010d", g), "wmwhse" + (1 + g % 4), types[(int) (g % 6)], "STORER" + (1 + g % 25),
                    String.format("SKU-%06d", (g * 7919) % 200000), String.format("%010d", g % 99991),
                    String.format("L%06d", (g * 31) % 50000), String.format("L%06d", (g * 37) % 50000),
                    String.format("ID%012d", g % 777777), String.format("ID%012d", (g + 13) % 777777),
                    BigDecimal.valueOf((g * 13) % 10000 * 100000 / 7, 5), uoms[(int) (g % 3)], statuses[(int) (g % 4)],
                    (short) (g % 9), "user" + (g % 300), String.format("%010d", g / 7), String.format("%05d", g % 40),
                    String.format("%010d", g / 500), base.plusSeconds(g), base.plusSeconds(g + 90), base.plusSeconds(g),
                    base.plusSeconds(g * 2)});
        }
        return out;
    }
}
