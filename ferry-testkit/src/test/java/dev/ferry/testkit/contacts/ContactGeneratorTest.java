package dev.ferry.testkit.contacts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ContactGeneratorTest {
    @Test
    void deterministicPerSeedAndDifferentAcrossSeeds() {
        assertThat(ContactGenerator.generate(5, ContactMix.CRM, 2000)).isEqualTo(ContactGenerator.generate(5, ContactMix.CRM, 2000));
        assertThat(ContactGenerator.generate(5, ContactMix.CRM, 2000)).isNotEqualTo(ContactGenerator.generate(6, ContactMix.CRM, 2000));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void recordsCarryTruthVariationsAndHardNegatives(long seed) {
        List<GeneratedContact> all = ContactGenerator.generate(seed, ContactMix.CRM, 5000);
        assertThat(all).hasSize(5000);
        assertThat(all.stream().map(GeneratedContact::id)).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 5000).boxed().toList());
        Map<Long, List<GeneratedContact>> byEntity = all.stream().collect(Collectors.groupingBy(GeneratedContact::entity));
        assertThat(byEntity.size()).as("duplicates exist").isBetween(2500, 4500);
        // shuffled: an entity's records are not adjacent
        long adjacent = 0;
        for (int i = 1; i < all.size(); i++) if (all.get(i).entity() == all.get(i - 1).entity()) adjacent++;
        assertThat(adjacent).isLessThan(20);

        // variations inside one entity
        assertThat(byEntity.values().stream().anyMatch(rs -> rs.stream().map(GeneratedContact::firstName).filter(Objects::nonNull).distinct().count() > 1)).isTrue();
        assertThat(all.stream().filter(c -> c.email() == null).count()).isGreaterThan(100);
        assertThat(all.stream().filter(c -> c.phone() != null && c.phone().startsWith("(")).count()).isGreaterThan(100);
        assertThat(all.stream().filter(c -> c.phone() != null && c.phone().matches("\\d{3}[.-]\\d{3}[.-]\\d{4}")).count()).isGreaterThan(50);
        assertThat(all.stream().filter(c -> c.lastName() != null && c.lastName().matches(".*[äöüéñ].*")).count()).isGreaterThan(10);
        assertThat(all.stream().filter(c -> c.company() != null && c.company().endsWith("Incorporated")).count()).isGreaterThan(5);
        assertThat(all.stream().filter(c -> c.email() != null && c.email().contains("+")).count()).isGreaterThan(10);

        // hard negatives: different people with one name; households sharing a phone; role addresses
        Map<String, Set<Long>> entitiesByName = new HashMap<>();
        Map<String, Set<Long>> entitiesByPhone = new HashMap<>();
        Map<String, Set<Long>> entitiesByRoleMail = new HashMap<>();
        for (GeneratedContact c : all) {
            if (c.firstName() != null && c.lastName() != null) {
                entitiesByName.computeIfAbsent(c.firstName() + " " + c.lastName(), k -> new HashSet<>()).add(c.entity());
            }
            if (c.phone() != null) entitiesByPhone.computeIfAbsent(c.phone().replaceAll("\\D", ""), k -> new HashSet<>()).add(c.entity());
            if (c.email() != null && c.email().toLowerCase().matches("(info|sales|office|contact|hello|support|admin)[+@].*")) {
                entitiesByRoleMail.computeIfAbsent(c.email().toLowerCase().replaceAll("\\+[^@]*", ""), k -> new HashSet<>()).add(c.entity());
            }
        }
        assertThat(entitiesByName.values().stream().filter(s -> s.size() > 1).count()).as("namesakes").isGreaterThan(100);
        assertThat(entitiesByPhone.values().stream().filter(s -> s.size() > 1).count()).as("shared phones").isGreaterThan(50);
        assertThat(entitiesByRoleMail.values().stream().filter(s -> s.size() > 1).count()).as("shared role addresses").isGreaterThan(3);
    }
}
