package dev.ferry.quality;

import java.util.List;

/**
 * A blocking key: records that share it are compared; records that share none never are. The key is the
 * name plus the parts' values (phonetic parts by their primary code); no key when any part is missing.
 */
public record BlockingKey(String name, List<Integer> features) {
    public BlockingKey {
        features = List.copyOf(features);
    }

    public String of(Prepared p, List<Feature> all) {
        StringBuilder sb = new StringBuilder(name).append(':');
        for (int i = 0; i < features.size(); i++) {
            int f = features.get(i);
            String v = p.value(f);
            if (v == null) return null;
            if (i > 0) sb.append('|');
            sb.append(all.get(f).encoding().phonetic() ? Method.primary(v) : v);
        }
        return sb.toString();
    }
}
