package dev.ferry.connectors.csv;

import dev.ferry.spi.ConfigException;
import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceFactory;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code csv} source: a local CSV file or one downloaded over HTTP(S) (e.g. a Google Sheets export).
 *
 * <pre>
 * source:
 *   type: csv
 *   path: data/orders.csv        # or url: https://docs.google.com/spreadsheets/d/ID/export?format=csv
 *   key: [order_id]              # required for upsert
 *   cursor: updated_at           # optional: incremental runs deliver rows with a higher cursor only
 *   delimiter: ","               # ',' default; ';', '|', tab ("\t" or tab), any one character
 *   quote: '"'
 *   header: true                 # false: columns are col1..colN, or the names of source.columns in order
 *   encoding: UTF-8              # a BOM is detected and stripped
 *   nullValues: [""]             # unquoted cells read as null; "" = an empty unquoted cell (a quoted "" stays an empty string)
 *   columns: {order_id: bigint, amount: "decimal(12,2)", created: timestamptz}   # override inference; "auto" infers
 *   inferRows: 1000              # rows sampled to infer types
 *   headers: {Authorization: "Bearer ${TOKEN}"}   # url only; values are secrets, never logged
 *   timeoutSeconds: 60           # url only: connect and response time-out
 * </pre>
 *
 * Behaviour worth knowing:
 * <ul>
 *   <li>Header names become lower_snake_case column names ("Order ID" → order_id, "createdAt" → created_at);
 *       a blank header at position n is "coln", a repeated name gets _2, _3. key, cursor and columns use these names.</li>
 *   <li>Types are inferred from the first inferRows rows: bigint, decimal(p,s), double (exponent forms), boolean
 *       (true/false), date (yyyy-MM-dd), timestamp (ISO, 'T' or space), timestamptz (with Z or an offset), else
 *       string. Numbers with leading zeros stay strings. plan() reads the whole file and stops the run before any
 *       write if a later value does not fit, naming line, column, value and the declaration to add.</li>
 *   <li>In a typed column an empty cell is null; in a string column only unquoted cells listed in nullValues are.</li>
 *   <li>Blank lines and rows of only empty cells are skipped; a short row is an error (unless only columns
 *       with a blank header name at the end are missing); a long row is an error unless
 *       its extra cells are empty.</li>
 *   <li>Rows come in file order; a batch position is the number of rows consumed plus the file's fingerprint.
 *       If the file changed since the checkpoint, a resumed run starts over (safe with upserts).
 *       Duplicate keys are delivered in file order, so with upsert the last one wins.</li>
 *   <li>A relative path is resolved against source.baseDir when the loader sets it (the sync file's folder),
 *       else against the working directory.</li>
 * </ul>
 */
public final class CsvSourceFactory implements SourceFactory {
    private final Clock clock;

    public CsvSourceFactory() {
        this(Clock.systemUTC());
    }

    public CsvSourceFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Set<String> types() {
        return Set.of("csv");
    }

    @Override
    public void validate(ConnectorConfig config, List<String> problems) {
        CsvSettings.parse(config, problems);
    }

    @Override
    public Source open(ConnectorConfig config) {
        List<String> problems = new ArrayList<>();
        CsvSettings settings = CsvSettings.parse(config, problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        HttpClient http = settings.url().isPresent() ? HttpDownload.newClient(settings.timeout()) : null;
        // the download happens on first use (schema()), inside the engine's run: its progress shows live and a
        // transient failure is retried like any other
        return new CsvSource(settings, http, clock);
    }
}
