package dev.ferry.core.bidi;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SpillMapTest {

    static Kept kept(int i) {
        List<String> values = Arrays.asList("k" + i, i % 3 == 0 ? null : "a|b\\c " + i, "", "\\N");
        Optional<Comparable<?>> modified = switch (i % 4) {
            case 0 -> Optional.of(Instant.parse("2026-01-01T00:00:00.123456Z").plusSeconds(i));
            case 1 -> Optional.of(new BigDecimal("12.50").add(BigDecimal.valueOf(i)));
            case 2 -> Optional.of("text " + i);
            default -> Optional.empty();
        };
        Optional<BaseRow> base = i % 2 == 0 ? Optional.empty() : Optional.of(new BaseRow("k" + i, Arrays.asList("k" + i, null, "|", "")));
        return new Kept(new Resolver.SideState(values, false, modified), base);
    }

    @Test
    void movesToAFileBeyondItsLimitAndKeepsEveryValueExactly() {
        try (SpillMap<Kept> map = new SpillMap<>(10, Kept.CODEC)) {
            for (int i = 0; i < 10; i++) map.put(String.format("%03d", i), kept(i));
            assertThat(map.spilled()).isFalse();
            for (int i = 10; i < 100; i++) map.put(String.format("%03d", i), kept(i));
            assertThat(map.spilled()).isTrue();
            assertThat(map.size()).isEqualTo(100);
            for (int i = 0; i < 100; i++) assertThat(map.get(String.format("%03d", i))).isEqualTo(kept(i));
            assertThat(map.remove("042")).isEqualTo(kept(42));
            assertThat(map.containsKey("042")).isFalse();
            assertThat(map.remove("042")).isNull();

            List<String> order = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            map.forEachChunk(25, chunk -> {
                sizes.add(chunk.size());
                for (Map.Entry<String, Kept> e : chunk) order.add(e.getKey());
            });
            assertThat(sizes).containsExactly(25, 25, 25, 24);
            assertThat(order).isSorted().hasSize(99).doesNotContain("042");
            map.clear();
            assertThat(map.isEmpty()).isTrue();
        }
    }

    @Test
    void onTheHeapChunksComeInKeyOrderToo() {
        try (SpillMap<Kept> map = new SpillMap<>(1_000, Kept.CODEC)) {
            for (int i = 99; i >= 0; i--) map.put(String.format("%03d", i), kept(i));
            List<String> order = new ArrayList<>();
            map.forEachChunk(30, chunk -> chunk.forEach(e -> order.add(e.getKey())));
            assertThat(map.spilled()).isFalse();
            assertThat(order).isSorted().hasSize(100);
        }
    }

    @Test
    void setsSpillToo() {
        try (SpillSet set = new SpillSet(5)) {
            for (int i = 0; i < 50; i++) set.add("k" + i);
            assertThat(set.size()).isEqualTo(50);
            assertThat(set.contains("k49")).isTrue();
            assertThat(set.contains("k50")).isFalse();
        }
    }

    @Test
    void textsJoinAndSplitBack() {
        List<String> texts = Arrays.asList("", null, "|", "\\", "\\N", "a|b", null);
        assertThat(Texts.split(Texts.join(texts))).isEqualTo(texts);
        assertThat(Texts.split(Texts.join(List.of("only")))).containsExactly("only");
    }
}
