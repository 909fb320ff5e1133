package dev.ferry.cli;

/** {@link DedupKillResumeChecks} on MariaDB → MariaDB (each schema a database). */
class MariaDbDedupPromisesIT extends DedupKillResumeChecks {
    MariaDbDedupPromisesIT() {
        super("hd_cli");
    }

    @Override
    Db openDb() {
        return Db.mariadb();
    }

    @Override
    String type() {
        return "mariadb";
    }

    @Override
    String url() {
        return Db.MARIA_URL;
    }

    @Override
    String user() {
        return "root";
    }

    @Override
    void resetSchema(String name) throws Exception {
        db.exec("DROP DATABASE IF EXISTS " + name);
        db.exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    }

    @Override
    String tableOptions() {
        return " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"; // accents (Müller) round-trip exactly
    }
}
