package dev.ferry.server.api;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/** Who is calling: the admin (config token) or one tenant (its API token). */
public record Caller(boolean isAdmin, Optional<String> tenantId) {
    static final String ATTRIBUTE = Caller.class.getName();

    public static Caller asAdmin() {
        return new Caller(true, Optional.empty());
    }

    public static Caller tenant(String id) {
        return new Caller(false, Optional.of(id));
    }

    public static Caller of(HttpServletRequest request) {
        Caller c = (Caller) request.getAttribute(ATTRIBUTE);
        if (c == null) throw new IllegalStateException("no caller: the auth filter did not run");
        return c;
    }

    /** The tenant this call acts for; the admin has no tenant resources. */
    public String requireTenant() {
        return tenantId.orElseThrow(() -> ApiException.forbidden("use a tenant's token for this call; the admin token only manages tenants"));
    }

    public void requireAdmin() {
        if (!isAdmin) throw ApiException.forbidden("this call needs the admin token (FERRY_ADMIN_TOKEN)");
    }
}
