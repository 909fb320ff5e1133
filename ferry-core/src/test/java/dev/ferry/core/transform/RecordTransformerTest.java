package dev.ferry.core.transform;

import dev.ferry.spi.Column;
import dev.ferry.spi.ColumnType;
import dev.ferry.spi.ConfigException;
import dev.ferry.spi.Schema;
import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordTransformerTest {
    static final Schema SOURCE = new Schema(List.of(
            Column.of("id", ColumnType.BIGINT).withNullable(false),
            Column.of("name", ColumnType.STRING),
            Column.of("email", ColumnType.STRING),
            Column.of("country", ColumnType.STRING),
            Column.of("amount_text", ColumnType.STRING),
            Column.of("signup", ColumnType.STRING),
            Column.of("vip", ColumnType.STRING),
            Column.of("address", ColumnType.JSON),
            Column.of("created", ColumnType.TIMESTAMP)));

    static TransformSpec spec(String yaml) {
        Map<?, ?> root = YAMLMapper.builder().build().readValue(yaml, Map.class);
        List<String> problems = new ArrayList<>();
        TransformSpec s = TransformConfig.parse(root.get("transform"), root.get("derive"), problems);
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return s;
    }

    static Object[] row(Object... v) {
        return v;
    }

    static final String MAPPING = """
            transform:
              lookups:
                countries: {DE: Germany, FR: France}
              mapping:
                account_id: id
                first_name: $substringBefore(name, ' ')
                last_name: $substringAfter(name, ' ')
                display: $uppercase($substringAfter(name, ' ')) & ', ' & $substringBefore(name, ' ')
                source_system: "'crm'"
                priority: 3
                amount: {expr: amount_text, type: "decimal(12,2)", format: "#,##0.00"}
                signed_up: {expr: signup, type: date, format: dd.MM.yyyy}
                vip: {expr: vip, type: boolean, format: "Y|N"}
                country_name: $lookup($countries, country)
                city: address.city
                contact: {expr: "{'email': $lowercase(email), 'name': name}", type: json}
                created: created
            """;

    static String mappingYaml() {
        return MAPPING;
    }

    @Test
    void mapsRenameSplitJoinConstantsConversionsLookupsAndNestedJson() {
        RecordTransformer t = RecordTransformer.compile(spec(mappingYaml()), SOURCE, List.of("id"));
        assertThat(t.output().names()).containsExactly("account_id", "first_name", "last_name", "display", "source_system",
                "priority", "amount", "signed_up", "vip", "country_name", "city", "contact", "created");
        assertThat(t.outputKey()).containsExactly("account_id");
        assertThat(t.output().column(0).type()).isEqualTo(ColumnType.BIGINT);    // a rename keeps the source type
        assertThat(t.output().column(1).type()).isEqualTo(ColumnType.TEXT);      // computed, no type stated
        assertThat(t.output().column(5).type()).isEqualTo(ColumnType.BIGINT);    // numeric constant
        assertThat(t.output().column(6).type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(t.output().column(6).scale()).isEqualTo(2);
        assertThat(t.output().column(11).type()).isEqualTo(ColumnType.JSON);
        LocalDateTime created = LocalDateTime.of(2024, 5, 1, 12, 30);
        RecordTransformer.Outcome o = t.apply(row(7L, "Ada Lovelace", "ADA@Example.com", "DE", "1,234.5", "31.01.2024", "Y",
                "{\"city\": \"London\", \"zip\": \"N1\"}", created));
        assertThat(o.skipped()).isFalse();
        assertThat(o.row()).containsExactly(7L, "Ada", "Lovelace", "LOVELACE, Ada", "crm", 3L, new BigDecimal("1234.50"),
                LocalDate.of(2024, 1, 31), true, "Germany", "London", "{\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\"}", created);
    }

    @Test
    void aValueThatCannotBeConvertedSkipsTheRecordNamingFieldRuleAndValue() {
        RecordTransformer t = RecordTransformer.compile(spec(mappingYaml()), SOURCE, List.of("id"));
        RecordTransformer.Outcome o = t.apply(row(8L, "Bob Smith", "b@x.org", "FR", "12,5x", "31.01.2024", "N", null, null));
        assertThat(o.skipped()).isTrue();
        assertThat(o.violation().field()).isEqualTo("amount");
        assertThat(o.violation().rule()).isEqualTo("type");
        assertThat(o.violation().value()).isEqualTo("12,5x");
        assertThat(o.violation().reason()).contains("amount", "type", "12,5x");

        o = t.apply(row(9L, "Bob Smith", "b@x.org", "FR", "1", "2024-01-31", "N", null, null));
        assertThat(o.violation().field()).isEqualTo("signed_up");
        o = t.apply(row(9L, "Bob Smith", "b@x.org", "FR", "1", "31.01.2024", "maybe", null, null));
        assertThat(o.violation().field()).isEqualTo("vip");
    }

    @Test
    void validationRulesEachNameTheirFieldAndRule() {
        RecordTransformer t = RecordTransformer.compile(spec("""
                transform:
                  validate:
                    email: {required: true, pattern: '^[^@ ]+@[^@ ]+\\.[a-z]+$'}
                    country: {allowed: [DE, FR, GB]}
                    amount_text: {type: number, min: 0, max: 1000}
                    name: {minLength: 2, maxLength: 10}
                    signup: {type: date, min: 2020-01-01}
                """), SOURCE, List.of("id"));
        Object[] good = row(1L, "Ada", "ada@example.com", "DE", "10.5", "2021-03-04", null, null, null);
        assertThat(t.apply(good).skipped()).isFalse();
        assertThat(t.apply(good).row()).isSameAs(good); // no mapping: the source row passes as it is
        record Case(Object[] row, String field, String rule) {
        }
        List<Case> cases = List.of(
                new Case(row(1L, "Ada", null, "DE", "1", null, null, null, null), "email", "required"),
                new Case(row(1L, "Ada", "  ", "DE", "1", null, null, null, null), "email", "required"),
                new Case(row(1L, "Ada", "ada at example", "DE", "1", null, null, null, null), "email", "pattern"),
                new Case(row(1L, "Ada", "a@b.de", "US", "1", null, null, null, null), "country", "allowed"),
                new Case(row(1L, "Ada", "a@b.de", "DE", "ten", null, null, null, null), "amount_text", "type"),
                new Case(row(1L, "Ada", "a@b.de", "DE", "-1", null, null, null, null), "amount_text", "min"),
                new Case(row(1L, "Ada", "a@b.de", "DE", "1000.01", null, null, null, null), "amount_text", "max"),
                new Case(row(1L, "A", "a@b.de", "DE", "1", null, null, null, null), "name", "minLength"),
                new Case(row(1L, "Ada Augusta King", "a@b.de", "DE", "1", null, null, null, null), "name", "maxLength"),
                new Case(row(1L, "Ada", "a@b.de", "DE", "1", "2019-12-31", null, null, null), "signup", "min"),
                new Case(row(1L, "Ada", "a@b.de", "DE", "1", "31.12.2021", null, null, null), "signup", "type"),
                new Case(row(null, "Ada", "a@b.de", "DE", "1", null, null, null, null), "id", "required")); // keys are required
        for (Case c : cases) {
            Violation v = t.apply(c.row()).violation();
            assertThat(v).as("%s", java.util.Arrays.toString(c.row())).isNotNull();
            assertThat(v.field() + ":" + v.rule()).as("%s", java.util.Arrays.toString(c.row())).isEqualTo(c.field() + ":" + c.rule());
        }
        // the boundaries themselves pass
        assertThat(t.apply(row(1L, "Ab", "a@b.de", "DE", "0", "2020-01-01", null, null, null)).skipped()).isFalse();
        assertThat(t.apply(row(1L, "Abcdefghij", "a@b.de", "DE", "1000", null, null, null, null)).skipped()).isFalse();
    }

    @Test
    void mappingErrorsAgainstTheSourceAreReportedAllAtOnce() {
        assertThatThrownBy(() -> RecordTransformer.compile(spec("""
                transform:
                  mapping:
                    uid: user_id
                    mail: $lowercase(emial)
                    label: Name & '!'
                    nested: address.city
                  validate:
                    phone: {required: true}
                """), SOURCE, List.of("id")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(5).anySatisfy(p -> assertThat(p)
                                .startsWith("transform.mapping.uid: field 'user_id' is not in the source"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.mapping.mail: expression reads field 'emial'"))
                        .anySatisfy(p -> assertThat(p).contains("transform.mapping.label", "'Name'", "'name'"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.key: source key column 'id' is not copied"))
                        .anySatisfy(p -> assertThat(p).startsWith("transform.validate.phone: no such field")));
    }

    @Test
    void derivedRowsCarryThePrimaryKeyAndFollowTheirCondition() {
        RecordTransformer t = RecordTransformer.compile(spec("""
                transform:
                  mapping:
                    account_id: id
                    name: name
                derive:
                  - table: crm.profile
                    when: $exists(country) and country != ''
                    mapping:
                      country: country
                  - table: crm.vip
                    link: [account]
                    when: vip = 'Y' and country in ['DE', 'FR']
                    mapping:
                      since: {expr: signup, type: date}
                """), SOURCE, List.of("id"));
        assertThat(t.derivedTables()).hasSize(2);
        assertThat(t.derivedTables().get(0).schema().names()).containsExactly("account_id", "country");
        assertThat(t.derivedTables().get(1).schema().names()).containsExactly("account", "since");
        assertThat(t.derivedTables().get(1).link()).containsExactly("account");
        RecordTransformer.Outcome o = t.apply(row(5L, "Ada", null, "DE", null, "2024-02-03", "Y", null, null));
        assertThat(o.derived()[0]).containsExactly(5L, "DE");
        assertThat(o.derived()[1]).containsExactly(5L, LocalDate.of(2024, 2, 3));
        o = t.apply(row(6L, "Bob", null, null, null, null, "Y", null, null));
        assertThat(o.derived()[0]).isNull();
        assertThat(o.derived()[1]).isNull();
    }

    @Test
    void fieldRefsFindTopLevelFieldsOnly() {
        assertThat(FieldRefs.roots("$substringBefore(name, ' ') & last.first & `first name` & items[price > 2].sku"))
                .containsExactly("name", "last", "first name", "items");
        assertThat(FieldRefs.roots("'name' & \"x\" & $lookup($t, code) & (a + b) & {'k': v}")).containsExactly("code", "a", "b", "v");
        assertThat(FieldRefs.roots("status in [s1, 'x', s2] and flag")).containsExactly("status", "s1", "s2", "flag");
        assertThat(FieldRefs.plainField(" email ")).contains("email");
        assertThat(FieldRefs.plainField("`first name`")).contains("first name");
        assertThat(FieldRefs.plainField("a.b")).isEmpty();
        assertThat(FieldRefs.isLiteral("'crm'")).isTrue();
        assertThat(FieldRefs.isLiteral("42")).isTrue();
        assertThat(FieldRefs.isLiteral("x")).isFalse();
    }

    @Test
    void theRecordObjectHoldsOnlyWhatExpressionsRead() {
        assertThat(RecordInput.reads("qty * (uom = 'CS' ? 12 : 1)")).containsExactlyInAnyOrder("qty", "uom");
        assertThat(RecordInput.reads("$sum(items.price)")).containsExactly("items");
        assertThat(RecordInput.reads("$keys($)")).isNull();
        assertThat(RecordInput.reads("$$.a")).isNull();
        assertThat(RecordInput.reads("**.city")).isNull();
        assertThat(RecordInput.reads("address.*")).isNull();
        assertThat(RecordInput.reads("$map(xs, function($v) { $v & suffix })")).isNull();
        // and the narrowed object still gives every expression what it needs
        RecordTransformer t = RecordTransformer.compile(spec("""
                transform:
                  mapping:
                    id: id
                    tag: "country & '/' & $string($count($keys(address)))"
                    up: $uppercase(name)
                """), SOURCE, List.of("id"));
        assertThat(t.apply(row(1L, "ada", null, "DE", null, null, null, "{\"a\": 1, \"b\": 2}", null)).row())
                .containsExactly(1L, "DE/2", "ADA");
    }
}
