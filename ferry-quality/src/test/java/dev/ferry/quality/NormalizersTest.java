package dev.ferry.quality;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NormalizersTest {
    private final Normalizers n = Normalizers.defaults();

    private String apply(String normaliser, String value) {
        return n.named(normaliser).orElseThrow().apply(value);
    }

    @Test
    void caseAndWhitespace() {
        assertThat(apply("lower", "  HeLLo ")).isEqualTo("hello");
        assertThat(apply("whitespace", " a \t b\n c ")).isEqualTo("a b c");
        assertThat(apply("trim", "   ")).isNull();
    }

    @Test
    void accentsFoldAndUmlautTranscriptionsMeet() {
        assertThat(n.name("Müller")).isEqualTo(n.name("Mueller")).isEqualTo(n.name("Muller")).isEqualTo("muller");
        assertThat(n.name("Schröder")).isEqualTo(n.name("Schroeder"));
        assertThat(n.name("José  García")).isEqualTo("jose garcia");
        assertThat(n.name("Straße")).isEqualTo("strasse");
        assertThat(n.name("Ørsted")).isEqualTo("orsted");
        assertThat(n.name("O'Brien")).isEqualTo(n.name("OBrien"));
        assertThat(apply("accents", "Crème Brûlée")).isEqualTo("creme brulee");
        // different names stay different
        assertThat(n.name("Miller")).isNotEqualTo(n.name("Muller"));
    }

    @Test
    void emailCaseGmailDotsAndTags() {
        assertThat(n.email(" John.Smith+crm@GMail.com ")).isEqualTo("johnsmith@gmail.com");
        assertThat(n.email("johnsmith@googlemail.com")).isEqualTo("johnsmith@gmail.com");
        assertThat(n.email("john.smith+x@acme.com")).isEqualTo("john.smith@acme.com"); // dots matter outside gmail
        assertThat(n.email("john.smith@acme.com")).isNotEqualTo(n.email("johnsmith@acme.com"));
        assertThat(n.email("not-an-address")).isNull();
        assertThat(n.email("@acme.com")).isNull();
    }

    @Test
    void roleMailboxesAreNotPersonal() {
        assertThat(n.personalEmail("info@acme.com")).isNull();
        assertThat(n.personalEmail("Sales+eu@acme.com")).isNull();
        assertThat(n.personalEmail("jane@acme.com")).isEqualTo("jane@acme.com");
        assertThat(n.isRoleAddress("support@acme.com")).isTrue();
        Normalizers extra = new Normalizers("US", NicknameTable.shipped(), List.of("frontdesk"));
        assertThat(extra.personalEmail("frontdesk@hotel.com")).isNull();
    }

    @Test
    void phoneToE164WithDefaultRegion() {
        assertThat(n.phone("(212) 555-0143")).isEqualTo("+12125550143");
        assertThat(n.phone("+1 212 555 0143")).isEqualTo("+12125550143");
        assertThat(n.phone("212.555.0143")).isEqualTo("+12125550143");
        assertThat(n.phone("+44 20 7946 0958")).isEqualTo("+442079460958");
        assertThat(n.phone("0044 20 7946 0958")).isEqualTo("+442079460958");
        Normalizers uk = new Normalizers("GB", NicknameTable.shipped(), List.of());
        assertThat(uk.phone("020 7946 0958")).isEqualTo("+442079460958");
        assertThat(n.phone("12")).isNull();
        assertThat(n.phone("call me")).isNull();
        assertThat(Normalizers.validRegion("de")).isTrue();
        assertThat(Normalizers.validRegion("XX")).isFalse();
    }

    @Test
    void companySuffixes() {
        assertThat(n.company("Acme Inc.")).isEqualTo("acme");
        assertThat(n.company("ACME, Inc")).isEqualTo("acme");
        assertThat(n.company("Acme Incorporated")).isEqualTo("acme");
        assertThat(n.company("Müller GmbH")).isEqualTo(n.company("Mueller")).isEqualTo("muller");
        assertThat(n.company("Widgets Ltd.")).isEqualTo(n.company("Widgets Limited"));
        assertThat(n.company("The Acme Company")).isEqualTo("acme");
        assertThat(n.company("Smith & Sons Co.")).isEqualTo("smith and sons");
        assertThat(n.company("Inc")).isEqualTo("inc"); // a name that is only a suffix keeps it
        assertThat(n.company("Acme")).isNotEqualTo(n.company("Acme Labs"));
    }

    @Test
    void givenNameNicknames() {
        assertThat(n.givenName("Bob")).isEqualTo("robert");
        assertThat(n.givenName("Robert")).isEqualTo("robert");
        assertThat(n.givenName("Kate")).isEqualTo("katherine");
        assertThat(n.givenName("Catherine")).isEqualTo("katherine");
        assertThat(n.givenName("Bill")).isEqualTo("william");
        assertThat(n.givenName("Zoë")).isEqualTo(n.givenName("Zoe"));
        assertThat(n.givenName("J. Robert")).isEqualTo("robert");
        assertThat(n.givenName("Robert")).isNotEqualTo(n.givenName("Richard"));
        NicknameTable extended = NicknameTable.shipped().with(Map.of("robert", List.of("Bobbo")));
        Normalizers x = new Normalizers("US", extended, List.of());
        assertThat(x.givenName("bobbo")).isEqualTo("robert");
        assertThat(n.givenName("bobbo")).isEqualTo("bobbo");
        assertThat(NicknameTable.shipped().size()).isGreaterThan(200);
    }

    @Test
    void streetAbbreviations() {
        assertThat(n.street("12 Main St.")).isEqualTo("12 main street");
        assertThat(n.street("12 Main Street")).isEqualTo("12 main street");
        assertThat(n.street("5 Hauptstr.")).isEqualTo("5 hauptstr"); // joined words stay as written
        assertThat(apply("digits", "Apt 4, 12 Main St")).isEqualTo("412");
        assertThat(apply("initial", "Élodie")).isEqualTo("e");
    }

    @Test
    void everyListedNameExists() {
        for (String name : Normalizers.NAMES) assertThat(n.named(name)).as(name).isPresent();
        assertThat(n.named("soundslike")).isEmpty();
    }
}
