package dev.ferry.testkit;

import dev.ferry.spi.Schema;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded rows for {@link FakeSchema}: increasing ids with random gaps, names, amounts, nullable values, and an
 * {@code updated_at} cursor that starts at 2024-01-01 and only moves forward ({@link #touch}).
 */
public final class RowGenerator {
    public static final LocalDateTime EPOCH = LocalDateTime.of(2024, 1, 1, 0, 0);
    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};

    private final Random random;
    private long lastId;
    private long clockSeconds;

    public RowGenerator(long seed) {
        this.random = new Random(seed);
    }

    public Schema schema() {
        return FakeSchema.SCHEMA;
    }

    /** {@code n} new rows with ids above every id generated so far. */
    public List<Object[]> rows(int n) {
        List<Object[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(next());
        return out;
    }

    public Object[] next() {
        lastId += 1 + random.nextInt(3);
        Object[] row = new Object[FakeSchema.SCHEMA.size()];
        row[FakeSchema.ID] = lastId;
        row[FakeSchema.NAME] = random.nextInt(10) == 0 ? null : WORDS[random.nextInt(WORDS.length)] + "-" + lastId;
        row[FakeSchema.AMOUNT] = BigDecimal.valueOf(random.nextInt(1_000_000), 2).setScale(2, RoundingMode.UNNECESSARY);
        row[FakeSchema.QTY] = random.nextInt(8) == 0 ? null : random.nextInt(1000);
        row[FakeSchema.ACTIVE] = random.nextBoolean();
        row[FakeSchema.UPDATED_AT] = tick();
        return row;
    }

    /** A changed copy of {@code row}: new qty and a newer cursor value than any handed out before. */
    public Object[] touch(Object[] row) {
        Object[] copy = row.clone();
        Object qty = copy[FakeSchema.QTY];
        copy[FakeSchema.QTY] = qty == null ? 1 : ((Integer) qty) + 1;
        copy[FakeSchema.UPDATED_AT] = tick();
        return copy;
    }

    public Random random() {
        return random;
    }

    private LocalDateTime tick() {
        clockSeconds += 1 + random.nextInt(5);
        return EPOCH.plusSeconds(clockSeconds);
    }
}
