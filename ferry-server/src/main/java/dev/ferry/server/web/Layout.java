package dev.ferry.server.web;

import static dev.ferry.server.web.Html.esc;

/** The frame every dashboard page shares: skip link, navigation, the tenant, log-out, and the CSRF header for htmx. */
final class Layout {
    private Layout() {
    }

    static String page(WebSession session, String title, String body) {
        StringBuilder b = new StringBuilder(8192);
        head(b, title, session == null ? null : "{\"" + WebAuthFilter.CSRF_HEADER + "\":\"" + session.csrf() + "\"}");
        b.append("<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"top\"><nav aria-label=\"Main\">")
                .append("<a class=\"brand\" href=\"/ui/syncs\">Ferry</a>");
        if (session != null) {
            b.append("<a href=\"/ui/syncs\" data-testid=\"nav-syncs\">Syncs</a>")
                    .append("<span class=\"who\" data-testid=\"tenant-name\">Tenant: ").append(esc(session.tenantName())).append("</span>")
                    .append("<form method=\"post\" action=\"/ui/logout\" class=\"inline\">").append(csrfField(session))
                    .append("<button type=\"submit\" class=\"link\" data-testid=\"btn-logout\">Log out</button></form>");
        }
        b.append("</nav></header>\n<main id=\"main\" tabindex=\"-1\">\n").append(body).append("\n</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void head(StringBuilder b, String title, String hxHeaders) {
        b.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\":false,\"allowEval\":false,\"allowScriptTags\":false}'>\n")
                .append("<title>").append(esc(title)).append(" · Ferry</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/ferry-ui/dashboard.css\">\n")
                .append("<script src=\"/webjars/htmx.org/dist/htmx.min.js\" defer></script>\n")
                .append("<script src=\"/webjars/htmx-ext-sse/sse.js\" defer></script>\n")
                .append("</head>\n<body");
        if (hxHeaders != null) b.append(" hx-headers='").append(esc(hxHeaders)).append("'");
        b.append(">\n");
    }

    static String csrfField(WebSession session) {
        return "<input type=\"hidden\" name=\"" + WebAuthFilter.CSRF_FIELD + "\" value=\"" + esc(session.csrf()) + "\">";
    }

    /** A POST button in its own form (works without JavaScript); disabled ones say why next to them. */
    static String postButton(WebSession s, String action, String label, String testId, String cssClass, String disabledReason,
                             String hidden) {
        StringBuilder b = new StringBuilder("<form method=\"post\" action=\"").append(esc(action)).append("\" class=\"inline\">")
                .append(csrfField(s));
        if (hidden != null) b.append(hidden);
        String reasonId = "why-" + testId + "-" + Integer.toHexString(action.hashCode());
        b.append("<button type=\"submit\" class=\"").append(cssClass).append("\" data-testid=\"").append(testId).append("\"");
        if (disabledReason != null) b.append(" disabled aria-describedby=\"").append(reasonId).append("\"");
        b.append(">").append(esc(label)).append("</button>");
        if (disabledReason != null) {
            b.append(" <span class=\"why\" id=\"").append(reasonId).append("\" data-testid=\"").append(testId).append("-reason\">")
                    .append(esc(disabledReason)).append("</span>");
        }
        return b.append("</form>").toString();
    }

    static String notice(String text, boolean error) {
        if (text == null || text.isBlank()) return "";
        return "<p class=\"notice" + (error ? " error" : "") + "\" role=\"" + (error ? "alert" : "status") + "\" data-testid=\"notice\">"
                + esc(text) + "</p>";
    }
}
