package dev.ferry.core.bidi;

import java.util.ArrayList;
import java.util.List;

/** A list of texts (nulls allowed) as one text and back: joined by '|', with '|' and '\' escaped and null as "\N". */
final class Texts {
    private Texts() {
    }

    static String join(List<String> texts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0) sb.append('|');
            String s = texts.get(i);
            if (s == null) {
                sb.append("\\N");
                continue;
            }
            for (int j = 0; j < s.length(); j++) {
                char ch = s.charAt(j);
                if (ch == '|' || ch == '\\') sb.append('\\');
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    static List<String> split(String joined) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean isNull = false;
        for (int i = 0; i < joined.length(); i++) {
            char ch = joined.charAt(i);
            if (ch == '\\') {
                char next = joined.charAt(++i);
                if (next == 'N') isNull = true;
                else cur.append(next);
            } else if (ch == '|') {
                out.add(isNull ? null : cur.toString());
                cur.setLength(0);
                isNull = false;
            } else {
                cur.append(ch);
            }
        }
        out.add(isNull ? null : cur.toString());
        return out;
    }
}
