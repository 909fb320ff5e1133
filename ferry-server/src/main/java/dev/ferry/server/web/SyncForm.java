package dev.ferry.server.web;

import dev.ferry.server.service.SyncService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ferry.server.web.Html.esc;

/**
 * The sync edit form: the stored (masked) definition flattened to one labelled field per key path, so the service's
 * validation errors ("source.table: …") land next to the field they name; submitted fields are rebuilt into the
 * definition and handed to {@link SyncService#update} unchanged (a masked secret keeps its stored value).
 */
final class SyncForm {
    enum Kind { STRING, NUMBER, BOOLEAN, LIST }

    record Field(String path, String value, Kind kind) {
        String id() {
            return "f-" + path.replaceAll("[^A-Za-z0-9]+", "-");
        }

        boolean secret() {
            return SyncService.MASK.equals(value);
        }
    }

    record Problem(String path, String message) {
    }

    private static final List<String> OPTIONAL_PATHS = List.of("schedule.every", "schedule.cron");
    private static final Pattern INDEX = Pattern.compile("([^\\[]+)\\[(\\d+)]");

    private SyncForm() {
    }

    static List<Field> flatten(Map<String, Object> definition) {
        List<Field> out = new ArrayList<>();
        flatten("", definition, out);
        if (out.stream().noneMatch(f -> f.path().startsWith("schedule."))) {
            for (String p : OPTIONAL_PATHS) out.add(new Field(p, "", Kind.STRING));
        }
        return out;
    }

    private static void flatten(String prefix, Object node, List<Field> out) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, out));
        } else if (node instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof Map<?, ?>)) {
            for (int i = 0; i < l.size(); i++) flatten(prefix + "[" + i + "]", l.get(i), out);
        } else if (node instanceof List<?> l) {
            out.add(new Field(prefix, String.join(", ", l.stream().map(String::valueOf).toList()), Kind.LIST));
        } else if (node instanceof Number n) {
            out.add(new Field(prefix, String.valueOf(n), Kind.NUMBER));
        } else if (node instanceof Boolean b) {
            out.add(new Field(prefix, String.valueOf(b), Kind.BOOLEAN));
        } else {
            out.add(new Field(prefix, node == null ? "" : String.valueOf(node), Kind.STRING));
        }
    }

    /** The submitted fields as a definition; an emptied field is left out (the service names what is missing). */
    static Map<String, Object> rebuild(List<Field> fields) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Field f : fields) {
            String v = f.value() == null ? "" : f.value().trim();
            if (v.isEmpty()) continue;
            put(root, f.path().split("\\."), 0, typed(v, f.kind()));
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> map, String[] parts, int i, Object value) {
        String part = parts[i];
        Matcher m = INDEX.matcher(part);
        boolean last = i == parts.length - 1;
        if (m.matches()) {
            List<Object> list = (List<Object>) map.computeIfAbsent(m.group(1), k -> new ArrayList<>());
            int idx = Integer.parseInt(m.group(2));
            while (list.size() <= idx) list.add(new LinkedHashMap<String, Object>());
            if (last) list.set(idx, value);
            else put((Map<String, Object>) list.get(idx), parts, i + 1, value);
        } else if (last) {
            map.put(part, value);
        } else {
            Object child = map.computeIfAbsent(part, k -> new LinkedHashMap<String, Object>());
            if (child instanceof Map<?, ?>) put((Map<String, Object>) child, parts, i + 1, value);
        }
    }

    private static Object typed(String v, Kind kind) {
        return switch (kind) {
            case NUMBER -> {
                try {
                    yield v.contains(".") ? (Object) Double.parseDouble(v) : (Object) Long.parseLong(v);
                } catch (NumberFormatException e) {
                    yield v; // the service says what a number there should be
                }
            }
            case BOOLEAN -> v.equalsIgnoreCase("true") ? Boolean.TRUE : v.equalsIgnoreCase("false") ? Boolean.FALSE : v;
            case LIST -> List.of(v.split("\\s*,\\s*"));
            case STRING -> v;
        };
    }

    /** The form, each problem shown at the field whose path it names; the rest above the form. */
    static String render(WebSession s, String syncId, List<Field> fields, List<Problem> problems) {
        StringBuilder b = new StringBuilder(8192);
        List<Problem> unplaced = problems.stream()
                .filter(p -> fields.stream().noneMatch(f -> f.path().equals(p.path()))).toList();
        if (!problems.isEmpty()) {
            b.append("<div class=\"notice error\" role=\"alert\" data-testid=\"form-errors\"><p>")
                    .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems")
                    .append(" to fix before saving.</p>");
            if (!unplaced.isEmpty()) {
                b.append("<ul>");
                for (Problem p : unplaced) {
                    b.append("<li>").append(p.path().isEmpty() ? "" : "<code>" + esc(p.path()) + "</code>: ").append(esc(p.message())).append("</li>");
                }
                b.append("</ul>");
            }
            b.append("</div>");
        }
        b.append("<form method=\"post\" action=\"/ui/syncs/").append(esc(syncId)).append("/edit\" class=\"edit\" novalidate>")
                .append(Layout.csrfField(s));
        for (Field f : fields) {
            List<Problem> mine = problems.stream().filter(p -> p.path().equals(f.path())).toList();
            String id = f.id();
            b.append("<div class=\"field").append(mine.isEmpty() ? "" : " invalid").append("\">")
                    .append("<label for=\"").append(id).append("\">").append(esc(f.path()))
                    .append(f.kind() == Kind.LIST ? " <small>(comma-separated)</small>" : "")
                    .append(f.secret() ? " <small>(secret: keep ****** to leave it unchanged)</small>" : "")
                    .append("</label>")
                    .append("<input id=\"").append(id).append("\" name=\"f:").append(esc(f.path())).append("\" value=\"")
                    .append(esc(f.value())).append("\" type=\"").append(f.secret() ? "password" : "text")
                    .append("\" autocomplete=\"off\" data-testid=\"field-").append(esc(f.path())).append("\"");
            if (!mine.isEmpty()) b.append(" aria-invalid=\"true\" aria-describedby=\"").append(id).append("-err\"");
            b.append("><input type=\"hidden\" name=\"k:").append(esc(f.path())).append("\" value=\"").append(f.kind()).append("\">");
            if (!mine.isEmpty()) {
                b.append("<p class=\"field-error\" id=\"").append(id).append("-err\" data-testid=\"error-").append(esc(f.path())).append("\">");
                for (Problem p : mine) b.append(esc(p.message())).append(" ");
                b.append("</p>");
            }
            b.append("</div>");
        }
        b.append("<div class=\"actions\"><button type=\"submit\" data-testid=\"btn-save\">Save</button> ")
                .append("<a href=\"/ui/syncs\" class=\"button\">Cancel</a></div></form>");
        return b.toString();
    }

    /** The submitted form's fields, in submission order. */
    static List<Field> fromParameters(Map<String, String[]> params) {
        List<Field> out = new ArrayList<>();
        params.forEach((name, values) -> {
            if (!name.startsWith("f:") || values.length == 0) return;
            String path = name.substring(2);
            String[] kind = params.get("k:" + path);
            Kind k;
            try {
                k = kind == null || kind.length == 0 ? Kind.STRING : Kind.valueOf(kind[0]);
            } catch (IllegalArgumentException e) {
                k = Kind.STRING;
            }
            out.add(new Field(path, values[0], k));
        });
        return out;
    }
}
