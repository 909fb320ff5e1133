package dev.ferry.core.transform;

import com.dashjoin.jsonata.Jsonata;
import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java fast paths give exactly what JSONata gives, on many random records, absent values included. */
class FastExprTest {
    static final Schema SRC = new Schema(List.of(Column.of("a", ColumnType.STRING), Column.of("b", ColumnType.TEXT),
            Column.of("code", ColumnType.STRING), Column.of("n", ColumnType.BIGINT)));
    static final Map<String, Object> LOOKUPS = Map.of("t", new java.util.HashMap<>(Map.of("DE", "Germany", "FR", "France", "x y", "spaced")));
    static final List<String> FAST = List.of(
            "a & ' ' & b", "a&b", "'<' & a & '>'", "$uppercase(a)", "$lowercase(b & 'X')", "$trim(a)",
            "$substringBefore(a, ' ')", "$substringAfter(a, ' ')", "$substringAfter(a, 'ab')", "$lookup($t, code)",
            "$uppercase($substringBefore(a, ' ')) & ', ' & $trim(b)", "$lookup($t, $trim(code))", "`a` & \"-\"");
    static final List<String> NOT_FAST = List.of("n & 'x'", "a.b", "$string(a)", "a = 'x'", "$lookup($nope, a)",
            "$substringBefore(a, b)", "'it\\'s' & a", "a & ", "$uppercase(n)", "A & b");

    static final String[] WORDS = {"", " ", "Ada", "ada lovelace", "  two  spaces ", "tab\there", "line\nbreak", "DE", "FR",
            "x y", "ab", "zab", "Müller", "a b c"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void fastPathsEqualJsonata(long seed) {
        Random random = new Random(seed);
        RecordInput input = new RecordInput(SRC);
        for (String expr : FAST) {
            FastExpr.Eval fast = FastExpr.compile(expr, SRC, LOOKUPS).orElseThrow(() -> new AssertionError("not fast: " + expr));
            Jsonata j = CompiledField.parse(expr, LOOKUPS);
            for (int i = 0; i < 300; i++) {
                Object[] row = {pick(random), pick(random), pick(random), random.nextBoolean() ? null : (long) random.nextInt(100)};
                Object expected = j.evaluate(input.get(row));
                if (expected == Jsonata.NULL_VALUE) expected = null;
                assertThat(fast.apply(row)).as("%s on %s", expr, java.util.Arrays.toString(row)).isEqualTo(expected);
            }
        }
    }

    @Test
    void otherShapesAreLeftToJsonata() {
        for (String expr : NOT_FAST) assertThat(FastExpr.compile(expr, SRC, LOOKUPS)).as(expr).isEmpty();
    }

    static String pick(Random r) {
        return r.nextInt(6) == 0 ? null : WORDS[r.nextInt(WORDS.length)];
    }
}
