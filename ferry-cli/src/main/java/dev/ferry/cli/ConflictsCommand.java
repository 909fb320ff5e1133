package dev.ferry.cli;

import dev.ferry.core.StateStore;
import dev.ferry.core.bidi.BidiStore;
import dev.ferry.core.bidi.Conflict;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.SyncException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ferry conflicts list|show|resolve}: the conflicts of bidirectional syncs, and the manual queue. */
@Command(name = "conflicts", description = "List, show and resolve the conflicts of bidirectional syncs.",
        subcommands = {ConflictsCommand.ListConflicts.class, ConflictsCommand.Show.class, ConflictsCommand.Resolve.class})
final class ConflictsCommand {
    @CommandLine.ParentCommand FerryCli root;

    BidiStore bidi(StateStore store) {
        return store.bidi().orElseThrow(() -> new SyncException("this state store keeps no bidirectional state"));
    }

    static Map<String, Object> asMap(Conflict c) {
        return c.asMap();
    }

    static String cut(Optional<String> v) {
        return v.map(s -> s.length() > 24 ? s.substring(0, 21) + "..." : s).orElse("null");
    }

    @Command(name = "list", description = "Conflicts, newest first (default: those waiting for a person).")
    static final class ListConflicts implements Callable<Integer> {
        @CommandLine.ParentCommand ConflictsCommand parent;
        @Parameters(paramLabel = "SYNC", arity = "0..1", description = "Only this sync's conflicts") String sync;
        @Option(names = "--status", defaultValue = "pending", description = "pending (default), resolved, decided, applied or all") String status;
        @Option(names = "--limit", defaultValue = "50") int limit;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            Optional<Conflict.Status> st;
            try {
                st = status.equalsIgnoreCase("all") ? Optional.empty() : Optional.of(Conflict.Status.valueOf(status.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--status: '" + status + "' is not a status; use " + String.join(", ", Conflict.Status.labels()) + " or all");
            }
            try (StateStore store = FerryCli.openStore(parent.root.stateUrl(Optional.empty()))) {
                List<Conflict> list = parent.bidi(store).conflicts(Optional.ofNullable(sync), st, limit);
                PrintStream out = System.out;
                if (json) {
                    Console.json(out, list.stream().map(ConflictsCommand::asMap).toList());
                    return FerryCli.OK;
                }
                if (list.isEmpty()) {
                    out.println("no " + (st.isPresent() ? status.toLowerCase(Locale.ROOT) + " " : "") + "conflicts");
                    return FerryCli.OK;
                }
                out.printf("%-6s %-16s %-16s %-14s %-24s %-24s %-12s %-9s %s%n", "ID", "SYNC", "KEY", "FIELD", "A", "B", "STRATEGY", "STATUS", "RESOLUTION");
                for (Conflict c : list) {
                    out.printf(Locale.ROOT, "%-6d %-16s %-16s %-14s %-24s %-24s %-12s %-9s %s%n", c.id(), c.syncName(), c.key(), c.field(),
                            cut(c.aValue()), cut(c.bValue()), c.strategy(), c.status().label(),
                            c.status() == Conflict.Status.PENDING ? "-" : cut(c.resolution()) + " (" + c.resolvedBy().orElse("?") + ")");
                }
                return FerryCli.OK;
            }
        }
    }

    @Command(name = "show", description = "One conflict in full.")
    static final class Show implements Callable<Integer> {
        @CommandLine.ParentCommand ConflictsCommand parent;
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            try (StateStore store = FerryCli.openStore(parent.root.stateUrl(Optional.empty()))) {
                Conflict c = parent.bidi(store).conflict(id).orElseThrow(() -> new SyncException("conflict " + id
                        + " is not in the state store; list them with: ferry conflicts list --status all"));
                if (json) Console.json(System.out, asMap(c));
                else asMap(c).forEach((k, v) -> System.out.printf("%-11s %s%n", k + ":", v));
                return FerryCli.OK;
            }
        }
    }

    @Command(name = "resolve", description = "Decide a conflict that waits for a person; both sides get the value at the sync's next run.")
    static final class Resolve implements Callable<Integer> {
        @CommandLine.ParentCommand ConflictsCommand parent;
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--take", description = "a or b: keep that side's value") String take;
        @Option(names = "--value", description = "this value instead (its text form)") String value;
        @Option(names = "--null", description = "the field becomes NULL on both sides") boolean makeNull;
        @Option(names = "--by", description = "who decided (default: $USER)") String by;

        @Override
        public Integer call() {
            int given = (take != null ? 1 : 0) + (value != null ? 1 : 0) + (makeNull ? 1 : 0);
            if (given != 1) throw new ConfigException("give exactly one of --take a|b, --value TEXT or --null");
            if (take != null && !take.equalsIgnoreCase("a") && !take.equalsIgnoreCase("b")) {
                throw new ConfigException("--take: '" + take + "' is not a side; use a or b");
            }
            try (StateStore store = FerryCli.openStore(parent.root.stateUrl(Optional.empty()))) {
                BidiStore bidi = parent.bidi(store);
                Conflict c = bidi.conflict(id).orElseThrow(() -> new SyncException("conflict " + id
                        + " is not in the state store; list them with: ferry conflicts list"));
                Optional<String> v = makeNull ? Optional.empty() : value != null ? Optional.of(value)
                        : take.equalsIgnoreCase("a") ? c.aValue() : c.bValue();
                String who = by != null && !by.isBlank() ? by : Optional.ofNullable(System.getenv("USER")).orElse("cli");
                bidi.resolve(id, v, "user:" + who, Instant.now());
                System.out.println("conflict " + id + " (" + c.syncName() + ", key " + c.key() + ", " + c.field() + ") resolved to "
                        + v.map(x -> "'" + x + "'").orElse("NULL") + "; both sides get it at the next run of " + c.syncName());
                return FerryCli.OK;
            }
        }
    }
}
