package dev.ferry.connectors.csv;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.RecordType;
import dev.ferry.spi.SyncException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One pass over a local CSV file, record by record, with FastCSV doing the RFC 4180 parsing (quoted delimiters,
 * doubled quotes, newlines inside quotes, CR/LF/CRLF, BOM). Unlike a plain string array, each record keeps its
 * starting line number (for messages) and which cells were quoted (so "" can stay an empty string while an empty
 * unquoted cell reads as null). Blank lines and rows of only empty unquoted cells (",,,", common at the end of
 * spreadsheet exports) are skipped.
 */
final class CsvScan implements AutoCloseable {

    /** One CSV record: where it starts, its cells, and which of them were quoted. */
    record Cells(long line, String[] text, boolean[] quoted) {
        int size() {
            return text.length;
        }

        boolean isBlank() {
            for (int i = 0; i < text.length; i++) if (quoted[i] || !text[i].isEmpty()) return false;
            return true;
        }
    }

    private final String where;
    private final CountingInputStream counted;
    private final CsvReader<Cells> reader;
    private final CloseableIterator<Cells> records;

    CsvScan(CsvSettings settings, Path file, String where) {
        this.where = where;
        try {
            this.counted = new CountingInputStream(Files.newInputStream(file));
        } catch (IOException e) {
            throw new SyncException(where + ": cannot open the file (" + e.getMessage() + "); check that it exists and can be read", e);
        }
        this.reader = CsvReader.builder()
                .fieldSeparator(settings.delimiter())
                .quoteCharacter(settings.quote())
                .skipEmptyLines(true)
                .allowExtraFields(true)   // ragged rows are judged by the caller, who knows the header
                .allowMissingFields(true)
                .detectBomHeader(true)
                .allowUnclosedQuote(false) // else an unclosed quote silently swallows the rest of the file
                .build(new CellsHandler(), counted, settings.encoding());
        this.records = reader.iterator();
    }

    /** The next non-blank record, or empty at the end of the file. */
    Optional<Cells> next() {
        try {
            while (records.hasNext()) {
                Cells c = records.next();
                if (c != null && !c.isBlank()) return Optional.of(c);
            }
            return Optional.empty();
        } catch (CsvParseException e) {
            throw new SyncException(where + ": the file is not valid CSV (" + describe(e)
                    + "); check for an unclosed quote, or set source.quote / source.delimiter", e);
        } catch (UncheckedIOException e) {
            throw new SyncException(where + ": cannot read the file (" + e.getCause().getMessage() + ")", e);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                if (!sb.isEmpty()) sb.append(": ");
                sb.append(t.getMessage());
            }
        }
        return sb.toString();
    }

    /** Bytes read from the file so far (ahead of the parser by at most its buffer). */
    long bytesRead() {
        return counted.count;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            // closing a file we only read cannot lose data
        }
    }

    /** Builds {@link Cells} from FastCSV's callbacks, keeping the quoted flag it reports per field. */
    private static final class CellsHandler extends AbstractBaseCsvCallbackHandler<Cells> {
        private final List<String> text = new ArrayList<>();
        private final List<Boolean> quoted = new ArrayList<>();
        private long line;

        @Override
        protected void handleBegin(long startingLineNumber) {
            line = startingLineNumber;
            text.clear();
            quoted.clear();
        }

        @Override
        protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean wasQuoted) {
            text.add(new String(buf, offset, len));
            quoted.add(wasQuoted);
        }

        @Override
        protected Cells buildRecord() {
            if (getRecordType() != RecordType.DATA) return null;
            boolean[] q = new boolean[quoted.size()];
            for (int i = 0; i < q.length; i++) q[i] = quoted.get(i);
            return new Cells(line, text.toArray(String[]::new), q);
        }
    }

    private static final class CountingInputStream extends FilterInputStream {
        volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
