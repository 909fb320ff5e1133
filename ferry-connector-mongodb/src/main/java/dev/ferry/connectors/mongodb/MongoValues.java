package dev.ferry.connectors.mongodb;

import dev.ferry.spi.Column;
import dev.ferry.spi.RecordException;
import org.bson.BsonBinarySubType;
import org.bson.Document;
import org.bson.json.JsonParseException;
import org.bson.types.Binary;
import org.bson.types.Decimal128;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.UUID;

/**
 * Row values (the Java types of {@link dev.ferry.spi.ColumnType}) to BSON values:
 * STRING/TEXT → string; JSON → an embedded document when the text is a JSON object, else the string;
 * BOOLEAN → bool; SMALLINT/INTEGER → int32; BIGINT → int64; DECIMAL → decimal128 (exact, or a record error);
 * REAL/DOUBLE → double; DATE → date at UTC midnight; TIME → string HH:mm:ss[.fraction];
 * TIMESTAMP → date, read as UTC; TIMESTAMPTZ → date (the instant); BYTES → binary; UUID → binary subtype 4;
 * null → null (the field is kept). BSON dates hold milliseconds: finer digits are dropped.
 */
final class MongoValues {
    private MongoValues() {
    }

    static Object toBson(Column c, Object v) {
        if (v == null) return null;
        try {
            return switch (c.type()) {
                case STRING, TEXT -> v.toString();
                case JSON -> json(v.toString());
                case BOOLEAN -> v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString().trim());
                case SMALLINT, INTEGER -> v instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(v.toString().trim());
                case BIGINT -> v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
                case DECIMAL -> decimal(v instanceof BigDecimal d ? d : new BigDecimal(v.toString().trim()));
                case REAL, DOUBLE -> v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
                case DATE -> Date.from((v instanceof LocalDate d ? d : LocalDate.parse(v.toString().trim()))
                        .atStartOfDay(ZoneOffset.UTC).toInstant());
                case TIME -> (v instanceof LocalTime t ? t : LocalTime.parse(v.toString().trim()))
                        .format(DateTimeFormatter.ISO_LOCAL_TIME);
                case TIMESTAMP, TIMESTAMPTZ -> Date.from(instant(v));
                case BYTES -> new Binary(v instanceof byte[] b ? b : v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                case UUID -> uuid(v instanceof UUID u ? u : UUID.fromString(v.toString().trim()));
            };
        } catch (RecordException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RecordException("column " + c.name() + ": cannot store " + v.getClass().getSimpleName()
                    + " value as " + c.type() + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A stored BSON value as a row value of the column's type where the mapping is plain (dates, decimal128, binary,
     * embedded documents as JSON), for a preview's field diff; anything else as the driver decoded it.
     */
    static Object forDisplay(Column c, Object bson) {
        return switch (bson) {
            case null -> null;
            case Date d -> switch (c.type()) {
                case DATE -> LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC);
                case TIMESTAMP -> LocalDateTime.ofInstant(d.toInstant(), ZoneOffset.UTC);
                case TIMESTAMPTZ -> OffsetDateTime.ofInstant(d.toInstant(), ZoneOffset.UTC);
                default -> d.toInstant();
            };
            case Decimal128 d -> decimalForDisplay(d);
            case Binary b -> b.getData();
            case Document d -> d.toJson();
            default -> bson;
        };
    }

    /** NaN, infinities and negative zeros have no BigDecimal: their text. */
    private static Object decimalForDisplay(Decimal128 d) {
        try {
            return d.bigDecimalValue();
        } catch (ArithmeticException e) {
            return d.toString();
        }
    }

    private static Object json(String s) {
        String t = s.trim();
        if (t.startsWith("{") && t.endsWith("}")) {
            try {
                return Document.parse(t);
            } catch (JsonParseException | org.bson.BsonInvalidOperationException e) {
                return s;
            }
        }
        return s;
    }

    private static Decimal128 decimal(BigDecimal d) {
        try {
            return new Decimal128(d);
        } catch (NumberFormatException e) {
            throw new RecordException("value " + d.toPlainString() + " does not fit MongoDB's decimal128 exactly "
                    + "(at most 34 significant digits, exponent -6176..6111)", e);
        }
    }

    private static Instant instant(Object v) {
        return switch (v) {
            case OffsetDateTime t -> t.toInstant();
            case LocalDateTime t -> t.toInstant(ZoneOffset.UTC);
            case Instant i -> i;
            case ZonedDateTime z -> z.toInstant();
            case Date d -> d.toInstant();
            default -> OffsetDateTime.parse(v.toString().trim()).toInstant();
        };
    }

    static Binary uuid(UUID u) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return new Binary(BsonBinarySubType.UUID_STANDARD, b.array());
    }
}
