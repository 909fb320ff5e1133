package dev.ferry.server.api;

import dev.ferry.server.FerryProperties;
import dev.ferry.server.service.TenantService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Bearer tokens on every /api/v1 call: the admin's (from config) or a tenant's (stored hashed). */
@Component
public class AuthFilter extends OncePerRequestFilter {
    private final FerryProperties props;
    private final TenantService tenants;

    public AuthFilter(FerryProperties props, TenantService tenants) {
        this.props = props;
        this.tenants = tenants;
        if (props.adminToken() == null) {
            org.slf4j.LoggerFactory.getLogger(AuthFilter.class).warn(
                    "FERRY_ADMIN_TOKEN is not set: no one can create tenants; set it and restart to manage tenants");
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !path.startsWith("/api/v1") || "OPTIONS".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Caller> caller = bearer(request).flatMap(this::identify);
        if (caller.isEmpty()) {
            response.setStatus(401);
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ferry\"");
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"https://ferry.dev/problems/401\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"send Authorization: Bearer TOKEN (a tenant's token, or the admin token)\"}");
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller.get());
        caller.get().tenantId().ifPresent(t -> MDC.put("tenant", t));
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove("tenant");
        }
    }

    private static Optional<String> bearer(HttpServletRequest request) {
        String h = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String t = h.substring(7).trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    private Optional<Caller> identify(String token) {
        if (props.adminToken() != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                props.adminToken().getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(Caller.asAdmin());
        }
        return tenants.tenantOfToken(token).map(Caller::tenant);
    }
}
