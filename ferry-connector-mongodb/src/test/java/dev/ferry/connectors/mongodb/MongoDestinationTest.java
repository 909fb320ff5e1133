package dev.ferry.connectors.mongodb;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.testkit.DestinationContract;
import dev.ferry.testkit.TestRows;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The destination contract against mongo-java-server (standalone: no transactions, the plain bulkWrite path). */
class MongoDestinationTest extends DestinationContract {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TestMongo mongo = new TestMongo();

    @Override
    protected DestinationFactory factory() {
        return new MongoDestinationFactory();
    }

    @Override
    protected ConnectorConfig config(String table) {
        return mongo.config(table);
    }

    @Override
    protected void drop(String table) {
        mongo.db().getCollection(table).drop();
    }

    @Override
    protected List<Object[]> readBack(String table) {
        return mongo.readBack(table);
    }

    /** BSON dates hold milliseconds: the contract's microsecond timestamps land truncated. */
    @Override
    protected Object[] asStored(Object[] row) {
        Object[] r = row.clone();
        if (r[TestRows.CREATED] instanceof OffsetDateTime t) r[TestRows.CREATED] = t.truncatedTo(ChronoUnit.MILLIS);
        return r;
    }

    /**
     * MongoDB has no varchar(50): a long name is fine. What it cannot store is a decimal beyond decimal128's 34
     * significant digits, which the writer refuses as a record error rather than round it.
     */
    @Override
    protected Object[] recordErrorRow(Object[] row) {
        Object[] r = row.clone();
        r[TestRows.AMOUNT] = new BigDecimal("1234567890.123456789012345678901234567891");
        return r;
    }
}
