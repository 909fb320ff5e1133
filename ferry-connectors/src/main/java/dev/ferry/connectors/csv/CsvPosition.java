package dev.ferry.connectors.csv;

import dev.ferry.spi.SyncException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resume token: how many data rows of the file were consumed, and the fingerprint of the file they were counted
 * in ("rows=1200;file=3fa9c2d1-1f400"). The fingerprint lets a resumed run notice that the file changed.
 */
record CsvPosition(long rows, String fingerprint) {
    private static final Pattern FORM = Pattern.compile("rows=(\\d+);file=([0-9a-f-]+)");

    String encode() {
        return "rows=" + rows + ";file=" + fingerprint;
    }

    static CsvPosition parse(String token, String where) {
        Matcher m = FORM.matcher(token);
        if (!m.matches()) {
            throw new SyncException("the checkpoint position '" + token + "' was not written by a csv source (" + where
                    + "); run once with --full-refresh");
        }
        return new CsvPosition(Long.parseLong(m.group(1)), m.group(2));
    }
}
