package dev.ferry.core.bidi;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A record one side changed, as its read kept it: the side's state and the base read with it (none: new to the sync). */
record Kept(Resolver.SideState state, Optional<BaseRow> base) {

    /** One line of text per record, for a {@link SpillMap} file: modification time, values, base values. */
    static final SpillMap.Codec<Kept> CODEC = new SpillMap.Codec<>() {
        @Override
        public String encode(Kept k) {
            List<String> parts = new ArrayList<>(4);
            parts.add(k.state().modified().map(Kept::modifiedText).orElse(null));
            parts.add(k.state().values() == null ? null : Texts.join(k.state().values()));
            parts.add(k.base().map(b -> b.key()).orElse(null));
            parts.add(k.base().map(b -> Texts.join(b.values())).orElse(null));
            return Texts.join(parts);
        }

        @Override
        public Kept decode(String text) {
            List<String> parts = Texts.split(text);
            Optional<Comparable<?>> modified = Optional.ofNullable(parts.get(0)).map(Kept::modifiedValue);
            List<String> values = parts.get(1) == null ? null : Texts.split(parts.get(1));
            Optional<BaseRow> base = parts.get(2) == null ? Optional.empty() : Optional.of(new BaseRow(parts.get(2), Texts.split(parts.get(3))));
            return new Kept(new Resolver.SideState(values, false, modified), base);
        }
    };

    /** {@link BidiEngine#modified} gives an instant, a number or a text; the first letter says which. */
    private static String modifiedText(Comparable<?> m) {
        return switch (m) {
            case Instant i -> "i" + i;
            case BigDecimal d -> "d" + d.toPlainString();
            default -> "s" + m;
        };
    }

    private static Comparable<?> modifiedValue(String s) {
        String v = s.substring(1);
        return switch (s.charAt(0)) {
            case 'i' -> Instant.parse(v);
            case 'd' -> new BigDecimal(v);
            default -> v;
        };
    }
}
