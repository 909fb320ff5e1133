package dev.ferry.cli;

import dev.ferry.connectors.jdbc.DedupLineage;
import dev.ferry.core.Connectors;
import dev.ferry.core.SyncJob;
import dev.ferry.core.config.SyncFileLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code ferry explain-match SYNC KEY [OTHER_KEY]}: why two records were (or were not) merged by the sync's dedup: rules. */
@Command(name = "explain-match", description = {
        "Explain why two source records were (or were not) merged by the sync's dedup: section: their masters,",
        "each match field's normalised values, the blocking keys they share, every rule's conditions with",
        "score and threshold. Without OTHER_KEY, KEY is compared with its master's founding record."})
final class ExplainMatchCommand implements Callable<Integer> {
    private static final Set<String> JDBC = Set.of("postgres", "mariadb", "mysql", "h2");

    @Parameters(index = "0", paramLabel = "SYNC", description = "The sync file (YAML) with a dedup: section") Path file;
    @Parameters(index = "1", paramLabel = "KEY", description = "A source record's key") String key;
    @Parameters(index = "2", paramLabel = "OTHER_KEY", arity = "0..1", description = "Another source record's key") String other;

    @Override
    public Integer call() {
        SyncJob job = new SyncFileLoader(Connectors.load(), System::getenv).load(file).job();
        if (!JDBC.contains(job.destinationType())) {
            throw new dev.ferry.spi.SyncException("explain-match reads the lineage of a database destination (postgres, mariadb, h2); "
                    + "this sync writes to " + job.destinationType());
        }
        DedupLineage.explainMatch(job.destination(), key, Optional.ofNullable(other)).forEach(System.out::println);
        return FerryCli.OK;
    }
}
