package dev.ferry.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.ArrayList;
import java.util.List;

/** {@code ferry serve [--port N] [--state JDBC_URL]}: the REST API, background runs and schedules. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FerryServer {
    public static void main(String[] args) {
        SpringApplication.run(FerryServer.class, springArgs(args));
    }

    /** The launcher's words ({@code serve --port 8080 --state URL}) as Spring properties; anything else passes through. */
    static String[] springArgs(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i == 0 && a.equals("serve")) continue;
            if ((a.equals("--port") || a.equals("--state")) && i + 1 < args.length) {
                out.add((a.equals("--port") ? "--server.port=" : "--ferry.state=") + args[++i]);
            } else if (a.startsWith("--port=")) {
                out.add("--server.port=" + a.substring("--port=".length()));
            } else if (a.startsWith("--state=")) {
                out.add("--ferry.state=" + a.substring("--state=".length()));
            } else {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }
}
