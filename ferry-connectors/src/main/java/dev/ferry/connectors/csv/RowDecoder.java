package dev.ferry.connectors.csv;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;
import dev.ferry.spi.SyncException;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a record's cells into a typed row following the schema. Missing trailing cells read as null; extra cells
 * are an error unless they are all empty (trailing delimiters). A cell that does not parse as its column's type
 * stops the run with the file, line, column, value and the declaration that would fix it: the source cannot
 * dead-letter a row, and skipping it silently would lose data.
 */
final class RowDecoder {
    private final Schema schema;
    private final Set<String> nullValues;
    private final String where;
    private final String columnsKey;
    private final boolean[] inferred;
    private final int inferRows;

    RowDecoder(Schema schema, Set<String> nullValues, String where, String columnsKey, boolean[] inferred, int inferRows) {
        this.schema = schema;
        this.nullValues = nullValues;
        this.where = where;
        this.columnsKey = columnsKey;
        this.inferred = inferred.clone();
        this.inferRows = inferRows;
    }

    /** Whether an unquoted/quoted cell is null: quoting marks a literal, so only unquoted cells can be null markers. */
    static boolean isNull(String text, boolean quoted, Set<String> nullValues) {
        return !quoted && nullValues.contains(text);
    }

    Object[] decode(CsvScan.Cells cells) {
        int n = schema.size();
        if (cells.size() > n) checkExtraCellsEmpty(cells);
        Object[] row = new Object[n];
        for (int i = 0; i < n && i < cells.size(); i++) {
            String text = cells.text()[i];
            if (isNull(text, cells.quoted()[i], nullValues)) continue;
            Column c = schema.column(i);
            // a typed column has no "empty" value: an empty cell (even quoted) is null there
            if (!CsvTypes.isTextual(c.type()) && text.isBlank()) continue;
            try {
                row[i] = CsvTypes.parse(c, text);
            } catch (CsvTypes.BadValue bad) {
                throw new SyncException(where + " line " + cells.line() + ", column " + c.name() + ": '"
                        + abbreviate(text) + "' " + bad.getMessage() + hint(i, text));
            }
        }
        return row;
    }

    private String hint(int index, String text) {
        Column c = schema.column(index);
        String widened = suggestion(c, text);
        String origin = inferred[index]
                ? " (the type " + CsvTypes.declaration(c) + " was inferred from the first " + inferRows + " rows)"
                : " (declared in " + columnsKey + ")";
        return origin + "; declare " + columnsKey + "." + c.name() + ": " + widened + " and run again";
    }

    /** The narrowest declaration that holds both the column's values so far and this one. */
    private static String suggestion(Column c, String text) {
        ColumnType seen = CsvTypes.classify(text);
        ColumnType wide = ColumnGuess.widen(c.type(), seen);
        if (wide == ColumnType.DECIMAL) {
            BigDecimal d;
            try {
                d = new BigDecimal(text.strip());
            } catch (NumberFormatException e) {
                return "string";
            }
            int scale = Math.max(Math.max(d.scale(), 0), c.scale());
            int integerDigits = Math.max(Math.max(d.precision() - d.scale(), 1), c.precision() - c.scale());
            return "\"decimal(" + Math.max(integerDigits + scale, ColumnGuess.MIN_DECIMAL_PRECISION + scale) + "," + scale + ")\"";
        }
        if (wide == c.type() || wide == ColumnType.STRING) return "string";
        return wide.name().toLowerCase(Locale.ROOT);
    }

    private void checkExtraCellsEmpty(CsvScan.Cells cells) {
        for (int i = schema.size(); i < cells.size(); i++) {
            if (cells.quoted()[i] || !cells.text()[i].isEmpty()) {
                throw new SyncException(where + " line " + cells.line() + " has " + cells.size() + " fields but there are "
                        + schema.size() + " columns (field " + (i + 1) + " is '" + abbreviate(cells.text()[i])
                        + "'); quote values that contain the delimiter, or add the missing header names");
            }
        }
    }

    static String abbreviate(String s) {
        String one = s.replace("\r", "\\r").replace("\n", "\\n");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
