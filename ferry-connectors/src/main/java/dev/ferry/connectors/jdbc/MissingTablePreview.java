package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Batch;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.Schema;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WritePreview;
import dev.ferry.spi.WriteResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The preview of a table that does not exist yet: a run would create it, so every row would be inserted. */
final class MissingTablePreview implements DestinationWriter {
    private final JdbcDestination.Names names;
    private final int[] keyIndexes;
    private final WriteMode mode;

    MissingTablePreview(JdbcDestination.Names names, Schema schema, List<String> key, WriteMode mode) {
        this.names = names;
        this.keyIndexes = schema.indexesOf(key);
        this.mode = mode;
    }

    @Override
    public WritePreview preview(Batch batch) {
        if (mode == WriteMode.APPEND || keyIndexes.length == 0) return JdbcWriter.allInserted(batch.rows(), batch.size());
        Map<String, Object[]> last = new LinkedHashMap<>();
        for (Object[] row : batch.rows()) last.put(JdbcWriter.keyString(row, keyIndexes), row);
        return JdbcWriter.allInserted(List.copyOf(last.values()), batch.size());
    }

    @Override
    public WriteResult write(Batch batch) {
        throw new IllegalStateException("a preview of " + names.display() + " does not write");
    }

    @Override
    public OptionalLong countRows() {
        return OptionalLong.of(0);
    }

    @Override
    public void close() {
    }
}
