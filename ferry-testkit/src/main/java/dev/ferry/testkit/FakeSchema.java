package dev.ferry.testkit;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.Schema;

import java.util.List;

/** The fakes' default table: a BIGINT key "id", a few typed columns and a TIMESTAMP cursor "updated_at". */
public final class FakeSchema {
    public static final String KEY = "id";
    public static final String CURSOR = "updated_at";
    public static final int ID = 0, NAME = 1, AMOUNT = 2, QTY = 3, ACTIVE = 4, UPDATED_AT = 5;

    public static final Schema SCHEMA = new Schema(List.of(
            Column.of("id", ColumnType.BIGINT).withNullable(false),
            new Column("name", ColumnType.STRING, 40, 0, 0, true),
            new Column("amount", ColumnType.DECIMAL, 0, 12, 2, true),
            Column.of("qty", ColumnType.INTEGER),
            Column.of("active", ColumnType.BOOLEAN),
            Column.of("updated_at", ColumnType.TIMESTAMP).withNullable(false)));

    private FakeSchema() {
    }
}
