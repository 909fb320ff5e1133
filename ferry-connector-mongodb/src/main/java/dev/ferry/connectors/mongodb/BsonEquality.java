package dev.ferry.connectors.mongodb;

import com.mongodb.MongoClientSettings;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.UuidRepresentation;
import org.bson.codecs.Codec;
import org.bson.codecs.configuration.CodecRegistries;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Equality of values as MongoDB judges a {@code $set}: the server leaves a field alone (matched, not modified) only
 * when it already holds a value of the same BSON type with the same bytes (so int32 1 ≠ int64 1, and an embedded
 * document with its fields in another order differs). Values are compared by their BSON encoding, which also keys
 * documents by {@code _id} whatever Java type the driver decodes it into (a UUID's binary comes back as a UUID).
 * The tests' mongo-java-server is laxer (its source compares numbers by value), so the tests keep each field's type.
 */
final class BsonEquality {
    /** The codecs of {@link MongoDestination}'s client (UUIDs in the standard representation). */
    private static final Codec<Document> CODEC = CodecRegistries.withUuidRepresentation(
            MongoClientSettings.getDefaultCodecRegistry(), UuidRepresentation.STANDARD).get(Document.class);

    private BsonEquality() {
    }

    /** The value's BSON type and bytes (as a one-field document), for equality and as a hash key. */
    static ByteBuffer bytes(Object value) {
        return new RawBsonDocument(new Document("v", value), CODEC).getByteBuffer().asNIO();
    }

    static boolean same(Object a, Object b) {
        return bytes(a).equals(bytes(b));
    }

    /** True when {@code $set: set} would modify {@code existing}: a field it lacks, or one whose value differs. */
    static boolean setModifies(Document existing, Document set) {
        for (Map.Entry<String, Object> field : set.entrySet()) {
            if (!existing.containsKey(field.getKey()) || !same(existing.get(field.getKey()), field.getValue())) return true;
        }
        return false;
    }
}
