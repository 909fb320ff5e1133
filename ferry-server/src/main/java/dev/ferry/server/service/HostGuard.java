package dev.ferry.server.service;

import dev.ferry.server.FerryProperties;
import org.springframework.stereotype.Component;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the URLs and hosts a tenant gives for connections (SSRF): link-local and cloud-metadata addresses are always
 * refused; loopback, private and local files only when {@code ferry.allow-private-hosts} is true; raw JDBC driver
 * properties (?… or ;…) never pass, only the options Ferry names.
 */
@Component
public class HostGuard {
    private static final Set<String> METADATA_NAMES = Set.of("metadata", "metadata.google.internal", "metadata.goog",
            "instance-data", "instance-data.ec2.internal");
    private final boolean allowPrivate;

    @org.springframework.beans.factory.annotation.Autowired
    public HostGuard(FerryProperties props) {
        this.allowPrivate = props.allowPrivateHosts();
    }

    HostGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Every problem with the connection settings under {@code root} (source, destination, a bidirectional sync's a and b, webhooks). */
    public List<String> check(Map<String, Object> root) {
        List<String> problems = new ArrayList<>();
        for (String section : List.of("source", "destination", "a", "b")) {
            if (root.get(section) instanceof Map<?, ?> m) walk(m, section, problems);
        }
        if (root.get("webhooks") instanceof List<?> hooks) {
            for (int i = 0; i < hooks.size(); i++) {
                if (hooks.get(i) instanceof Map<?, ?> h && h.get("url") instanceof String u) {
                    checkUrl(u, "webhooks[" + i + "].url", problems);
                }
            }
        }
        return problems;
    }

    private void walk(Object node, String path, List<String> problems) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                String p = path + "." + k;
                if (("path".equals(k) || "file".equals(k)) && v instanceof String && !allowPrivate) {
                    problems.add(p + ": files on the server are not open to tenants; give a url: (https://…) instead");
                } else {
                    walk(v, p, problems);
                }
            });
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) walk(l.get(i), path + "[" + i + "]", problems);
        } else if (node instanceof String s) {
            String lower = s.trim().toLowerCase(Locale.ROOT);
            if (lower.startsWith("jdbc:")) checkJdbc(s.trim(), path, problems);
            else if (lower.matches("[a-z][a-z0-9+.-]*://.*")) checkUrl(s.trim(), path, problems);
        }
    }

    void checkJdbc(String url, String path, List<String> problems) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:")) {
            if (!allowPrivate) {
                problems.add(path + ": embedded H2 databases live on the server's disk and are not open to tenants; use PostgreSQL or MariaDB");
            } else if (lower.contains("init=") || lower.contains("runscript")) {
                problems.add(path + ": H2 INIT/RUNSCRIPT settings are not accepted");
            }
            return;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            problems.add(path + ": write the URL as jdbc:TYPE://host:port/database");
            return;
        }
        String rest = url.substring(scheme + 3);
        if (rest.contains("?") || rest.contains(";")) {
            problems.add(path + ": driver properties (?… or ;…) are not accepted; use the sync's own keys (user, password, …)");
        }
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        int q = authority.indexOf('?');
        if (q >= 0) authority = authority.substring(0, q);
        if (authority.contains("@")) {
            problems.add(path + ": give credentials as user:/password:, not inside the URL");
            authority = authority.substring(authority.lastIndexOf('@') + 1);
        }
        for (String hostPort : authority.split(",")) checkHost(hostOf(hostPort), path, problems);
    }

    void checkUrl(String url, String path, List<String> problems) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            problems.add(path + ": not a valid URL");
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!Set.of("http", "https", "mongodb", "mongodb+srv").contains(scheme)) {
            problems.add(path + ": scheme '" + scheme + "' is not accepted; use https:// (or http://, mongodb://)");
            return;
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        if (authority.contains("@")) authority = authority.substring(authority.lastIndexOf('@') + 1);
        if (authority.isEmpty()) {
            problems.add(path + ": the URL names no host");
            return;
        }
        if (scheme.equals("mongodb+srv")) {
            checkHost(hostOf(authority), path, problems); // the SRV target is resolved by the driver; check the name
            return;
        }
        for (String hostPort : authority.split(",")) checkHost(hostOf(hostPort), path, problems);
    }

    private static String hostOf(String hostPort) {
        String h = hostPort.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(1, end) : h;
        }
        int colon = h.lastIndexOf(':');
        return colon >= 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h;
    }

    void checkHost(String host, String path, List<String> problems) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.isEmpty()) {
            problems.add(path + ": the URL names no host");
            return;
        }
        if (METADATA_NAMES.contains(h)) {
            problems.add(path + ": " + host + " is a cloud metadata service and is never reachable from syncs");
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            problems.add(path + ": host '" + host + "' does not resolve; check the name");
            return;
        }
        for (InetAddress a : addresses) {
            if (a.isLinkLocalAddress() || a.isAnyLocalAddress() || isMetadata(a)) {
                problems.add(path + ": " + host + " resolves to " + a.getHostAddress()
                        + ", a link-local/metadata address, which syncs may never reach");
                return;
            }
            if (!allowPrivate && (a.isLoopbackAddress() || a.isSiteLocalAddress() || isUniqueLocal(a) || isSharedOrReserved(a)
                    || a.isMulticastAddress())) {
                problems.add(path + ": " + host + " resolves to " + a.getHostAddress()
                        + ", a loopback/private address; the server's admin must set FERRY_ALLOW_PRIVATE_HOSTS=true to allow it");
                return;
            }
        }
    }

    private static boolean isMetadata(InetAddress a) {
        String s = a.getHostAddress();
        return s.equals("169.254.169.254") || s.equals("fd00:ec2:0:0:0:0:0:254") || s.startsWith("100.100.100.200");
    }

    private static boolean isUniqueLocal(InetAddress a) {
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
    }

    /** 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8. */
    private static boolean isSharedOrReserved(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 4) return false;
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return (first == 100 && second >= 64 && second < 128) || first == 0;
    }
}
