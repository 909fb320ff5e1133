package dev.ferry.core.transform;

import dev.ferry.spi.DeclaredType;

import java.util.Optional;

/**
 * One output field: a JSONata expression over the source record, and optionally the type to convert its value to.
 *
 * @param format how a text value is read when converting: a date/time pattern (e.g. {@code dd.MM.yyyy}),
 *               {@code epoch-millis}/{@code epoch-seconds}, a number pattern (e.g. {@code #,##0.00}), or the words
 *               for true/false (e.g. {@code yes|no})
 */
public record FieldMapping(String name, String expression, Optional<DeclaredType> type, Optional<String> format) {
    public FieldMapping {
        type = type == null ? Optional.empty() : type;
        format = format == null ? Optional.empty() : format;
    }
}
