package dev.ferry.server.web;

import dev.ferry.server.service.Ids;
import dev.ferry.server.service.TenantService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The dashboard's auth (only under /ui): the tenant token the user logged in with, kept in an HttpOnly, SameSite=Strict
 * cookie and checked like the API's bearer token on every request; every POST must carry the CSRF token (a hash of the
 * session token, so every node of a cluster derives the same one without shared session state).
 */
@Component
public class WebAuthFilter extends OncePerRequestFilter {
    static final String SESSION_COOKIE = "ferry_session";
    static final String LOGIN_CSRF_COOKIE = "ferry_login_csrf";
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String BASE = "/ui";

    private final TenantService tenants;

    public WebAuthFilter(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !(path.equals(BASE) || path.startsWith(BASE + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        securityHeaders(response);
        String path = path(request);
        boolean post = "POST".equals(request.getMethod());
        if (path.equals(BASE + "/login")) {
            if (post && !sameValue(cookie(request, LOGIN_CSRF_COOKIE).orElse(null), request.getParameter(CSRF_FIELD))) {
                forbidden(response, "the login form expired; reload the page and log in again");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        Optional<String> token = cookie(request, SESSION_COOKIE);
        Optional<String> tenantId = token.flatMap(tenants::tenantOfToken);
        if (tenantId.isEmpty()) {
            if (post || "true".equals(request.getHeader("HX-Request"))) {
                response.setHeader("HX-Redirect", BASE + "/login");
                response.sendError(401, "log in again");
            } else {
                response.sendRedirect(request.getContextPath() + BASE + "/login");
            }
            return;
        }
        String csrf = csrfFor(token.get());
        if (post) {
            String sent = Optional.ofNullable(request.getHeader(CSRF_HEADER)).orElse(request.getParameter(CSRF_FIELD));
            if (!sameValue(csrf, sent)) {
                forbidden(response, "the form's security token is missing or stale; reload the page and try again");
                return;
            }
        }
        String name = tenants.find(tenantId.get()).map(TenantService.Tenant::name).orElse(tenantId.get());
        request.setAttribute(WebSession.ATTRIBUTE, new WebSession(tenantId.get(), name, csrf));
        MDC.put("tenant", tenantId.get());
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove("tenant");
        }
    }

    static String csrfFor(String token) {
        return Ids.sha256("ferry-dashboard-csrf:" + token).substring(0, 40);
    }

    static ResponseCookie sessionCookie(String token, boolean secure) {
        return ResponseCookie.from(SESSION_COOKIE, token).httpOnly(true).sameSite("Strict").secure(secure).path(BASE).build();
    }

    static ResponseCookie clearedSessionCookie(boolean secure) {
        return ResponseCookie.from(SESSION_COOKIE, "").httpOnly(true).sameSite("Strict").secure(secure).path(BASE).maxAge(0).build();
    }

    static ResponseCookie loginCsrfCookie(String value, boolean secure) {
        return ResponseCookie.from(LOGIN_CSRF_COOKIE, value).httpOnly(true).sameSite("Strict").secure(secure)
                .path(BASE + "/login").build();
    }

    private static void securityHeaders(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("Cache-Control", "no-store");
    }

    private static void forbidden(HttpServletResponse response, String why) throws IOException {
        response.setStatus(403);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("<!doctype html><html lang=\"en\"><title>Forbidden</title><main><h1>Forbidden</h1><p>"
                + Html.esc(why) + "</p><p><a href=\"" + BASE + "/login\">Log in</a></p></main></html>");
    }

    static Optional<String> cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) return Optional.empty();
        for (Cookie c : cookies) {
            if (c.getName().equals(name) && c.getValue() != null && !c.getValue().isBlank()) return Optional.of(c.getValue());
        }
        return Optional.empty();
    }

    static boolean sameValue(String expected, String sent) {
        if (expected == null || sent == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}
