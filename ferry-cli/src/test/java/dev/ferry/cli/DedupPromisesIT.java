package dev.ferry.cli;

/** {@link DedupKillResumeChecks} on PostgreSQL → PostgreSQL. */
class DedupPromisesIT extends DedupKillResumeChecks {
    DedupPromisesIT() {
        super("dd_cli");
    }

    @Override
    Db openDb() {
        return Db.postgres();
    }

    @Override
    String type() {
        return "postgres";
    }

    @Override
    String url() {
        return Db.PG_URL;
    }

    @Override
    String user() {
        return "postgres";
    }

    @Override
    void resetSchema(String name) throws Exception {
        db.exec("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        db.exec("CREATE SCHEMA " + name);
    }
}
