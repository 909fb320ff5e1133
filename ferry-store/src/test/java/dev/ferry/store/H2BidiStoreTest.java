package dev.ferry.store;

/** The bidirectional state on an embedded H2 database. */
class H2BidiStoreTest extends BidiStoreContract {
    static final String URL = "jdbc:h2:mem:bd_store_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";

    @Override
    String url() {
        return URL;
    }
}
