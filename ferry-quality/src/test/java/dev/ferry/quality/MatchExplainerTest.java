package dev.ferry.quality;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MatchExplainerTest {
    private final RuleSet rules = ContactRules.defaults();
    private final MatchExplainer explainer = new MatchExplainer(rules);

    private List<String> explain(Map<String, Object> a, Map<String, Object> b) {
        return explainer.explain("17", rules.prepare(a), "42", rules.prepare(b));
    }

    @Test
    void aMatchShowsTheNormalisedValuesThePassingRuleAndItsScores() {
        List<String> lines = explain(
                Map.of("first_name", "Robert", "last_name", "Müller", "phone", "(212) 555-0143", "email", "rob@a.com"),
                Map.of("first_name", "Bob", "last_name", "Mueller", "phone", "+1 212-555-0143", "email", "bob@b.com"));
        String text = String.join("\n", lines);
        assertThat(text).contains("normalised values (17 | 42):");
        // the nickname and the umlaut are resolved before comparing; the phone is E.164
        assertThat(lines).anyMatch(l -> l.contains("first_name [given_name]") && l.contains("'robert' | 'robert'"));
        assertThat(lines).anyMatch(l -> l.contains("phone [phone]") && l.contains("'+12125550143' | '+12125550143'"));
        assertThat(text).contains("blocking keys shared: phone:+12125550143");
        assertThat(lines).anyMatch(l -> l.startsWith("  email: no"));
        assertThat(lines).anyMatch(l -> l.startsWith("  phone_name: MATCH 1.000"));
        assertThat(lines).anyMatch(l -> l.contains("email [email_personal] exact: 'rob@a.com' vs 'bob@b.com': score 0.000 < 1 (exact) -> fails"));
        assertThat(lines).anyMatch(l -> l.contains("birth_date [digits] exact (missing passes): (missing) vs (missing): missing -> passes (no evidence)"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("verdict: match by rule phone_name (score 1.000)");
    }

    @Test
    void aHardNegativeSaysWhichConditionFailsAgainstItsThreshold() {
        // a household: same phone and surname, another first name
        List<String> lines = explain(
                Map.of("first_name", "Peter", "last_name", "Schmidt", "phone", "(312) 555-0110"),
                Map.of("first_name", "Anna", "last_name", "Schmidt", "phone", "(312) 555-0110"));
        assertThat(lines).anyMatch(l -> l.startsWith("  phone_name: no"));
        assertThat(lines).anyMatch(l -> l.contains("first_name [given_name] jaro_winkler >= 0.88: 'peter' vs 'anna': score")
                && l.contains("< 0.88 -> fails"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("verdict: no rule matches");
    }

    @Test
    void recordsSharingNoBlockingKeyAreNeverCompared() {
        List<String> lines = explain(Map.of("first_name", "Ann", "last_name", "Lee", "city", "Boston"),
                Map.of("first_name", "Ann", "last_name", "Lee", "city", "Denver"));
        assertThat(lines).contains("blocking keys shared: none, so the two are never compared (whatever the rules say)");
    }
}
