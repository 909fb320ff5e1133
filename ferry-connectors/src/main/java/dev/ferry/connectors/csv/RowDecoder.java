package dev.ferry.connectors.csv;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a record's cells into a typed row following the schema. Too few cells are an error (a line broken by an
 * unquoted newline, a lost delimiter: padding it with nulls would land half a record) unless only columns with a
 * blank header name at the end are missing (a header with a trailing delimiter); extra cells are an error unless
 * they are all empty (trailing delimiters). A record with a cell that does not parse as its column's type, or with
 * too few or too many fields, is a {@link BadRow} naming the file, line, column, value and the
 * declaration that would fix it; the caller dead-letters it or stops the run (source.badRows), never drops it.
 */
final class RowDecoder {
    private final Schema schema;
    private final Set<String> nullValues;
    private final String where;
    private final String columnsKey;
    private final boolean[] inferred;
    private final int inferRows;
    private final int requiredCells;
    private final java.util.function.UnaryOperator<String> numberText;

    /** requiredCells: the fewest cells a record may have (columns after it have a blank header name). */
    RowDecoder(Schema schema, Set<String> nullValues, String where, String columnsKey, boolean[] inferred, int inferRows,
               int requiredCells, java.util.function.UnaryOperator<String> numberText) {
        this.schema = schema;
        this.nullValues = nullValues;
        this.where = where;
        this.columnsKey = columnsKey;
        this.inferred = inferred.clone();
        this.inferRows = inferRows;
        this.requiredCells = requiredCells;
        this.numberText = numberText;
    }

    /** Whether an unquoted/quoted cell is null: quoting marks a literal, so only unquoted cells can be null markers. */
    static boolean isNull(String text, boolean quoted, Set<String> nullValues) {
        return !quoted && nullValues.contains(text);
    }

    /** A record that does not fit the schema: the message says where, what and the fix; the cells are kept as read. */
    static final class BadRow extends Exception {
        final transient Object[] partial;
        final transient CsvScan.Cells cells;

        BadRow(String message, Object[] partial, CsvScan.Cells cells) {
            super(message, null, false, false);
            this.partial = partial;
            this.cells = cells;
        }

        /** Its payload for a dead letter: decoded cells in canonical text (so a replay parses them), others as read. */
        Map<String, String> payload(Schema schema) {
            Map<String, String> p = new LinkedHashMap<>();
            for (int i = 0; i < schema.size(); i++) {
                String text = partial[i] != null ? CsvTypes.encode(partial[i]) : i < cells.size() ? cells.text()[i] : null;
                p.put(schema.column(i).name(), text);
            }
            for (int i = schema.size(); i < cells.size(); i++) p.put("field_" + (i + 1), cells.text()[i]);
            return p;
        }

        /** The key as far as it decoded ("a|b"); raw text for a key cell that did not. */
        String key(int[] keyIndexes) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < keyIndexes.length; k++) {
                if (k > 0) sb.append('|');
                int i = keyIndexes[k];
                String part = partial[i] != null ? CsvTypes.encode(partial[i]) : i < cells.size() ? cells.text()[i] : "";
                // dead letters are kept one per key: rows without a key are told apart by their line
                if (part.isBlank()) return "(no key) line " + cells.line();
                sb.append(part);
            }
            return sb.toString();
        }
    }

    Object[] decode(CsvScan.Cells cells) throws BadRow {
        int n = schema.size();
        String problem = cells.size() > n ? extraCellsProblem(cells) : cells.size() < requiredCells ? missingCellsProblem(cells) : null;
        Object[] row = new Object[n];
        for (int i = 0; i < n && i < cells.size(); i++) {
            String text = cells.text()[i];
            if (isNull(text, cells.quoted()[i], nullValues)) continue;
            Column c = schema.column(i);
            // a typed column has no "empty" value: an empty cell (even quoted) is null there
            if (!CsvTypes.isTextual(c.type()) && text.isBlank()) continue;
            try {
                row[i] = CsvTypes.parse(c, CsvTypes.isNumeric(c.type()) ? numberText.apply(text) : text);
            } catch (CsvTypes.BadValue bad) {
                if (problem == null) {
                    problem = where + " line " + cells.line() + ", column " + c.name() + ": '" + abbreviate(text) + "' "
                            + bad.getMessage() + hint(i, text);
                }
            }
        }
        if (problem != null) throw new BadRow(problem, row, cells);
        return row;
    }

    /** A decoded row without a value in a key column cannot be matched in the destination: a bad row naming the column. */
    void requireKey(Object[] row, CsvScan.Cells cells, int[] keyIndexes) throws BadRow {
        for (int i : keyIndexes) {
            if (row[i] == null) {
                throw new BadRow(where + " line " + cells.line() + ": no value for key column " + schema.column(i).name()
                        + "; every row needs its source.key columns", row, cells);
            }
        }
    }

    private String hint(int index, String text) {
        Column c = schema.column(index);
        String widened = suggestion(c, text);
        String origin = inferred[index]
                ? " (the type " + CsvTypes.declaration(c) + " was inferred from the first " + inferRows + " rows)"
                : " (declared in " + columnsKey + ")";
        boolean decimalComma = CsvTypes.isNumeric(c.type()) && text.indexOf(',') >= 0 && !CsvTypes.fromDecimalComma(text).equals(text)
                && numberText.apply(text).equals(text);
        return origin + "; declare " + columnsKey + "." + c.name() + ": " + widened + " and run again"
                + (decimalComma ? " (or, if the file writes decimal commas, set source.decimalSeparator: \",\")" : "");
    }

    /** The narrowest declaration that holds both the column's values so far and this one. */
    private static String suggestion(Column c, String text) {
        ColumnType seen = CsvTypes.classify(text);
        ColumnType wide = ColumnGuess.widen(c.type(), seen);
        if (wide == ColumnType.DECIMAL) {
            BigDecimal d;
            try {
                d = new BigDecimal(CsvTypes.ungroup(text.strip()));
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

    private String extraCellsProblem(CsvScan.Cells cells) {
        for (int i = schema.size(); i < cells.size(); i++) {
            if (cells.quoted()[i] || !cells.text()[i].isEmpty()) {
                return where + " line " + cells.line() + " has " + cells.size() + " fields but there are "
                        + schema.size() + " columns (field " + (i + 1) + " is '" + abbreviate(cells.text()[i])
                        + "'); quote values that contain the delimiter, or add the missing header names";
            }
        }
        return null;
    }

    private String missingCellsProblem(CsvScan.Cells cells) {
        List<String> missing = schema.names().subList(cells.size(), requiredCells);
        return where + " line " + cells.line() + " has " + cells.size() + " fields but there are " + schema.size()
                + " columns (no value for " + String.join(", ", missing) + "); the line may be broken by a newline"
                + " outside quotes or miss a delimiter: quote values that contain newlines or delimiters";
    }

    static String abbreviate(String s) {
        String one = s.replace("\r", "\\r").replace("\n", "\\n");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
