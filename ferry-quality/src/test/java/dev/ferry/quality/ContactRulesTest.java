package dev.ferry.quality;

import dev.ferry.spi.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContactRulesTest {
    private final RuleSet rules = ContactRules.defaults();

    private static Map<String, Object> contact(String... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private Optional<Match> match(Map<String, Object> a, Map<String, Object> b) {
        Optional<Match> ab = rules.match(rules.prepare(a), rules.prepare(b));
        Optional<Match> ba = rules.match(rules.prepare(b), rules.prepare(a));
        assertThat(ab.isPresent()).as("rules are symmetric").isEqualTo(ba.isPresent());
        return ab;
    }

    private boolean shareBlock(Map<String, Object> a, Map<String, Object> b) {
        List<String> ka = rules.blockingKeys(rules.prepare(a));
        return rules.blockingKeys(rules.prepare(b)).stream().anyMatch(ka::contains);
    }

    private final Map<String, Object> bob = contact("first_name", "Robert", "last_name", "Müller", "email", "rob.mueller@gmail.com",
            "phone", "(212) 555-0143", "street", "12 Main Street", "city", "New York", "zip", "10001", "company", "Acme Inc.",
            "birth_date", "1980-03-12");

    @Test
    void sameEmailWithNicknameAndAccents() {
        var other = contact("first_name", "Bob", "last_name", "Mueller", "email", "Rob.Mueller+news@GMAIL.com");
        assertThat(match(bob, other)).map(Match::rule).contains("email");
        assertThat(shareBlock(bob, other)).isTrue();
    }

    @Test
    void phoneAndNameWhenEmailChanged() {
        var other = contact("first_name", "Bob", "last_name", "Muller", "email", "bob@newjob.com", "phone", "+1 212-555-0143");
        assertThat(match(bob, other)).map(Match::rule).contains("phone_name");
        assertThat(shareBlock(bob, other)).isTrue();
    }

    @Test
    void swappedNamesWithSamePhone() {
        var other = contact("first_name", "Muller", "last_name", "Robert", "phone", "212 555 0143");
        assertThat(match(bob, other)).map(Match::rule).contains("phone_swapped_names");
    }

    @Test
    void nameTypoAndAddressWithoutEmailOrPhone() {
        var other = contact("first_name", "Robret", "last_name", "Muller", "street", "12 Main St.", "city", "new york");
        Optional<Match> m = match(bob, other);
        assertThat(m).map(Match::rule).contains("name_address");
        assertThat(m.get().score()).isBetween(0.85, 1.0);
        assertThat(shareBlock(bob, other)).isTrue();
    }

    @Test
    void sameEmployerAndNameIsNotEnough() {
        // big employers have namesakes: a name and a company alone do not merge
        var other = contact("first_name", "Robert", "last_name", "Mueller", "city", "New York", "company", "ACME Incorporated");
        assertThat(match(bob, other)).isEmpty();
    }

    @Test
    void nameAndBirthDate() {
        var other = contact("first_name", "Rob", "last_name", "Muller", "birth_date", "1980-03-12");
        assertThat(match(bob, other)).map(Match::rule).contains("name_birth_date");
        assertThat(shareBlock(bob, other)).isTrue();
        var elsewhere = contact("first_name", "Rob", "last_name", "Muller", "birth_date", "1980-03-12", "city", "Boston");
        assertThat(match(bob, elsewhere)).as("a namesake born the same day in another city").isEmpty();
    }

    @Test
    void initialWithSameEmail() {
        var other = contact("first_name", "R.", "last_name", "Mueller", "email", "robmueller@gmail.com");
        assertThat(match(bob, other)).map(Match::rule).contains("email");
    }

    @Test
    void hardNegativeSameCommonNameDifferentPeople() {
        var a = contact("first_name", "John", "last_name", "Smith", "email", "john.smith@acme.com", "phone", "(212) 555-0101",
                "street", "4 Elm Street", "city", "New York", "company", "Acme");
        var b = contact("first_name", "John", "last_name", "Smith", "email", "jsmith77@yahoo.com", "phone", "(212) 555-0199",
                "street", "88 Park Avenue", "city", "New York", "company", "Globex");
        assertThat(match(a, b)).isEmpty();
        assertThat(shareBlock(a, b)).as("no rule could merge them, so blocking does not even compare them").isFalse();
        var c = contact("first_name", "John", "last_name", "Smith", "street", "14 Elm Street", "city", "New York");
        assertThat(match(a, c)).as("same street, other house number").isEmpty();
        var d = contact("first_name", "John", "last_name", "Smith", "street", "4 Park Avenue", "city", "New York");
        assertThat(shareBlock(a, d)).as("same name, house number and city: compared").isTrue();
        assertThat(match(a, d)).as("and told apart by the street").isEmpty();
    }

    @Test
    void hardNegativeFamilySharingSurnamePhoneAndAddress() {
        var dad = contact("first_name", "Peter", "last_name", "Schmidt", "phone", "(312) 555-0110", "street", "9 Oak Lane",
                "city", "Chicago", "email", "peter.schmidt@gmail.com");
        var daughter = contact("first_name", "Anna", "last_name", "Schmidt", "phone", "312-555-0110", "street", "9 Oak Lane",
                "city", "Chicago", "email", "anna.s@gmail.com");
        var son = contact("first_name", "Paul", "last_name", "Schmidt", "phone", "312-555-0110", "street", "9 Oak Lane", "city", "Chicago");
        assertThat(match(dad, daughter)).isEmpty();
        assertThat(match(dad, son)).isEmpty();
        assertThat(match(son, daughter)).isEmpty();
        // a family address shared in the CRM: the first names still tell them apart
        var mum = contact("first_name", "Maria", "last_name", "Schmidt", "email", "Peter.Schmidt@gmail.com");
        assertThat(match(dad, mum)).isEmpty();
    }

    @Test
    void hardNegativeFatherAndSonSameNameTellApartByBirthDate() {
        var sr = contact("first_name", "James", "last_name", "Walker", "phone", "(415) 555-0123", "street", "1 Bay St", "city",
                "San Francisco", "birth_date", "1955-01-02");
        var jr = contact("first_name", "James", "last_name", "Walker", "phone", "(415) 555-0123", "street", "1 Bay St", "city",
                "San Francisco", "birth_date", "1984-07-30");
        assertThat(match(sr, jr)).isEmpty();
    }

    @Test
    void hardNegativeSharedRoleAddress() {
        var a = contact("first_name", "Alice", "last_name", "Ng", "email", "info@acme.com");
        var b = contact("first_name", "Alice", "last_name", "Ng", "email", "INFO@acme.com");
        var c = contact("first_name", "Bruno", "last_name", "Costa", "email", "info@acme.com");
        assertThat(match(a, b)).as("an e-mail alone is not enough when it is a role mailbox").isEmpty();
        assertThat(match(a, c)).isEmpty();
        assertThat(shareBlock(a, c)).as("role mailboxes are not even a blocking key").isFalse();
    }

    @Test
    void recordsWithNothingInCommonAreNotCompared() {
        var a = contact("first_name", "Alice", "last_name", "Ng");
        var b = contact("first_name", "Alice", "last_name", "Ng");
        assertThat(match(a, b)).as("a name alone proves nothing").isEmpty();
    }

    @Test
    void explainsEveryRule() {
        var other = contact("first_name", "Bob", "last_name", "Mueller", "email", "rob.mueller@gmail.com");
        assertThat(rules.explain(rules.prepare(bob), rules.prepare(other)))
                .containsExactly("email: match 1.000", "phone_name: no", "phone_swapped_names: no", "name_address: no", "name_birth_date: no");
    }

    @Test
    void rulesAreConfigDataWithEveryProblemReported() {
        Map<String, Object> bad = Map.of(
                "rules", List.of(
                        Map.of("name", "x", "field", "email", "match", "sounds_like"),
                        Map.of("field", "first_name", "match", "jaro_winkler"),
                        Map.of("name", "y", "all", List.of(Map.of("field", "city", "normalize", "nope", "threshold", 2)))),
                "blocking", List.of(Map.of("name", "k", "parts", List.of(Map.of("field", "last_name", "encode", "jaro_winkler")))));
        assertThatThrownBy(() -> RuleSetParser.compile(Normalizers.defaults(), bad.get("rules"), bad.get("blocking"), "dedup"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "dedup.rules[0].match: 'sounds_like' is not a matcher; use one of [beider_morse, double_metaphone, exact, initial, jaro_winkler, levenshtein, prefix, soundex]",
                        "dedup.rules[1].name: required; name the rule (lineage records it), e.g. name: email",
                        "dedup.rules[1].threshold: required for jaro_winkler; give the lowest similarity that matches, e.g. 0.9",
                        "dedup.rules[2].all[0].threshold: only jaro_winkler and levenshtein take a threshold; remove it or change match:",
                        "dedup.rules[2].all[0].threshold: 2.0 is out of range; use a similarity in (0, 1], e.g. 0.9",
                        "dedup.rules[2].all[0].normalize: 'nope' is not a normaliser; use one of " + Normalizers.NAMES,
                        "dedup.blocking[0].parts[0].encode: 'jaro_winkler' is not a phonetic code; use double_metaphone, soundex or beider_morse"));
    }

    @Test
    void customOrRuleFromTheIssue() {
        // e-mail exact OR (last name phonetic AND first name fuzzy >= 0.9 AND same city)
        Map<String, Object> tree = Map.of("rules", List.of(Map.of("name", "issue_example", "any", List.of(
                        Map.of("field", "email", "normalize", "email", "match", "exact"),
                        Map.of("all", List.of(
                                Map.of("field", "last_name", "normalize", "name", "match", "double_metaphone"),
                                Map.of("field", "first_name", "normalize", "given_name", "match", "jaro_winkler", "threshold", 0.9),
                                Map.of("field", "city", "normalize", "name", "match", "exact")))))),
                "blocking", List.of(Map.of("name", "e", "parts", List.of(Map.of("field", "email", "normalize", "email")))));
        RuleSet r = RuleSetParser.compile(Normalizers.defaults(), tree.get("rules"), tree.get("blocking"), "dedup");
        var a = r.prepare(contact("first_name", "Kate", "last_name", "Smyth", "city", "Boston"));
        var b = r.prepare(contact("first_name", "Katherine", "last_name", "Smith", "city", "BOSTON"));
        var c = r.prepare(contact("first_name", "Katherine", "last_name", "Smith", "city", "Denver"));
        var d = r.prepare(contact("first_name", "X", "email", "k@x.org"));
        var e = r.prepare(contact("first_name", "Y", "email", "K@X.org"));
        assertThat(r.match(a, b)).map(Match::rule).contains("issue_example");
        assertThat(r.match(a, c)).isEmpty();
        assertThat(r.match(d, e)).isPresent();
        assertThat(r.fields()).containsExactlyInAnyOrder("email", "last_name", "first_name", "city");
    }
}
