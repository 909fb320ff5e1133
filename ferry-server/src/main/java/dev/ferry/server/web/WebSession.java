package dev.ferry.server.web;

import jakarta.servlet.http.HttpServletRequest;

/** The logged-in tenant of a dashboard request, with the CSRF token its forms must send back. */
record WebSession(String tenantId, String tenantName, String csrf) {
    static final String ATTRIBUTE = WebSession.class.getName();

    static WebSession of(HttpServletRequest request) {
        WebSession s = (WebSession) request.getAttribute(ATTRIBUTE);
        if (s == null) throw new IllegalStateException("no dashboard session: the web auth filter did not run");
        return s;
    }
}
