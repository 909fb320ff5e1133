package dev.ferry.testkit.contacts;

import dev.ferry.testkit.contacts.ContactPools.City;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Realistic synthetic contacts with the truth kept: people (entities) drawn from weighted name, place and
 * company pools, each written one or more times with the variations CRM exports show (typos, nicknames,
 * phonetic spellings, accents, e-mail and phone variants, missing fields, swapped first/last, company suffix
 * variants), plus hard negatives: namesakes, family members sharing surname, phone and address (sometimes an
 * e-mail), a junior with his father's name and address, colleagues behind one role address (info@…).
 * Deterministic for a seed; records come out shuffled, numbered 1..n.
 */
public final class ContactGenerator {
    private final Random rnd;
    private final ContactMix mix;
    private final Set<String> usedEmails = new HashSet<>();
    private final Set<String> usedPhones = new HashSet<>();
    private final List<Person> recent = new ArrayList<>(); // hard negatives copy from these
    private final int totalWeight;
    private final List<Company> companies = new ArrayList<>();

    record Person(long entity, String culture, boolean female, String first, String last, String email, String phone,
                  String street, City city, String zip, Company company, String birthDate) {
    }

    record Company(String name, String suffix, String domain, City city) {
    }

    public ContactGenerator(long seed, ContactMix mix) {
        this.rnd = new Random(seed);
        this.mix = mix;
        this.totalWeight = ContactPools.CITIES.stream().mapToInt(City::weight).sum();
    }

    /** Exactly {@code records} contacts, shuffled, ids 1..records. */
    public static List<GeneratedContact> generate(long seed, ContactMix mix, int records) {
        return new ContactGenerator(seed, mix).records(records);
    }

    public List<GeneratedContact> records(int n) {
        int companyCount = Math.max(20, n / 250);
        for (int i = 0; i < companyCount; i++) companies.add(newCompany());
        List<GeneratedContact> out = new ArrayList<>(n);
        long entity = 0;
        while (out.size() < n) {
            Person p = newPerson(++entity);
            int copies = 1 + geometric(mix.meanExtraRecords());
            for (int c = 0; c < copies && out.size() < n; c++) out.add(variant(p, out.size()));
            if (recent.size() < 5000) recent.add(p);
            else recent.set(rnd.nextInt(recent.size()), p);
        }
        for (int i = out.size() - 1; i > 0; i--) { // Fisher-Yates, then ids by position
            int j = rnd.nextInt(i + 1);
            GeneratedContact t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        List<GeneratedContact> numbered = new ArrayList<>(n);
        for (int i = 0; i < out.size(); i++) {
            GeneratedContact g = out.get(i);
            numbered.add(new GeneratedContact(i + 1, g.entity(), g.firstName(), g.lastName(), g.email(), g.phone(), g.street(),
                    g.city(), g.zip(), g.company(), g.birthDate()));
        }
        return numbered;
    }

    // ---- people ----

    private Person newPerson(long entity) {
        if (!recent.isEmpty()) {
            double r = rnd.nextDouble();
            if (r < mix.namesake()) return namesake(entity, pick(recent));
            r -= mix.namesake();
            if (r < mix.family()) return familyMember(entity, pick(recent));
            r -= mix.family();
            if (r < mix.junior()) return junior(entity, pick(recent));
        }
        City city = city();
        String culture = ContactPools.culture(city.country());
        if (rnd.nextDouble() < 0.1) culture = pick(new String[]{"EN", "DE", "FR", "ES"}); // people move
        boolean female = rnd.nextBoolean();
        String first = firstName(culture, female);
        String last = zipf(ContactPools.LAST.get(culture));
        Company company = rnd.nextDouble() < 0.8 ? companyIn(city) : null;
        String email = personalEmail(first, last, company);
        return new Person(entity, culture, female, first, last, email, newPhone(city), street(city), city, zip(city), company,
                birthDate(1940, 2004));
    }

    private Person namesake(long entity, Person other) {
        City city = rnd.nextBoolean() ? other.city() : city();
        Company company = rnd.nextDouble() < 0.8 ? companyIn(city) : null;
        return new Person(entity, other.culture(), other.female(), other.first(), other.last(),
                personalEmail(other.first(), other.last(), company), newPhone(city), street(city), city, zip(city), company,
                birthDate(1940, 2004));
    }

    private Person familyMember(long entity, Person other) {
        String first;
        boolean female = rnd.nextBoolean();
        do {
            first = firstName(other.culture(), female);
        } while (first.equals(other.first()));
        Company company = rnd.nextDouble() < 0.6 ? companyIn(other.city()) : null;
        String email = rnd.nextDouble() < mix.familyEmail() / Math.max(mix.family(), 1e-9) ? other.email()
                : personalEmail(first, other.last(), company);
        return new Person(entity, other.culture(), female, first, other.last(), email, other.phone(), other.street(),
                other.city(), other.zip(), company, birthDate(1940, 2015));
    }

    private Person junior(long entity, Person other) {
        LocalDate senior = other.birthDate() == null ? LocalDate.of(1960, 1, 1) : LocalDate.parse(other.birthDate());
        String dob = senior.plusYears(22 + rnd.nextInt(15)).plusDays(rnd.nextInt(365)).toString();
        Company company = rnd.nextDouble() < 0.6 ? companyIn(other.city()) : null;
        return new Person(entity, other.culture(), other.female(), other.first(), other.last(),
                personalEmail(other.first(), other.last(), company), other.phone(), other.street(), other.city(), other.zip(),
                company, dob);
    }

    private String firstName(String culture, boolean female) {
        String[][] names = ContactPools.FIRST.get(culture);
        return zipf(names[female ? 0 : 1]);
    }

    private String personalEmail(String first, String last, Company company) {
        if (company != null && rnd.nextDouble() < mix.roleAddress()) {
            return pick(ContactPools.ROLES) + "@" + company.domain(); // shared by everyone who writes from it
        }
        String f = ascii(first).toLowerCase(Locale.ROOT);
        String l = ascii(last).toLowerCase(Locale.ROOT).replace("'", "").replace(" ", "");
        for (int attempt = 0; ; attempt++) {
            String local = switch (rnd.nextInt(5)) {
                case 0 -> f + "." + l;
                case 1 -> f.charAt(0) + l;
                case 2 -> f + l;
                case 3 -> f + "_" + l;
                default -> l + "." + f;
            };
            if (attempt > 0 || rnd.nextDouble() < 0.4) local += rnd.nextInt(attempt > 3 ? 100_000 : 1000);
            String domain = company != null && rnd.nextDouble() < 0.35 ? company.domain() : pick(ContactPools.PERSONAL_DOMAINS);
            String email = local + "@" + domain;
            // unique as a mailbox: gmail ignores dots, so j.smith and jsmith are one address
            if (usedEmails.add(domain.equals("gmail.com") ? local.replace(".", "") + "@" + domain : email)) return email;
        }
    }

    private String newPhone(City city) {
        while (true) {
            String subscriber = switch (city.country()) {
                case "US" -> (2 + rnd.nextInt(8)) + String.format("%06d", rnd.nextInt(1_000_000));
                case "GB" -> city.areaCode().length() == 2 ? String.format("%08d", 30_000_000 + rnd.nextInt(60_000_000))
                        : String.format("%07d", 2_000_000 + rnd.nextInt(7_000_000));
                case "DE" -> String.format("%07d", 1_000_000 + rnd.nextInt(9_000_000));
                case "FR" -> String.format("%08d", 10_000_000 + rnd.nextInt(89_999_999));
                default -> String.format("%07d", 1_000_000 + rnd.nextInt(9_000_000));
            };
            String canonical = city.areaCode() + subscriber;
            if (usedPhones.add(city.country() + canonical)) return city.country() + ":" + canonical;
        }
    }

    private String street(City city) {
        int number = 1 + rnd.nextInt(rnd.nextDouble() < 0.7 ? 120 : 2000);
        if (city.country().equals("DE")) return pick(ContactPools.DE_STREETS) + " " + number;
        if (city.country().equals("FR")) return number + " rue " + pick(new String[]{"de la Paix", "Victor Hugo", "des Lilas", "du Moulin", "Pasteur"});
        if (city.country().equals("ES")) return "Calle " + pick(new String[]{"Mayor", "del Sol", "Real", "Nueva", "de Alcalá"}) + " " + number;
        return number + " " + pick(ContactPools.STREETS) + " " + pick(ContactPools.STREET_TYPES)[0];
    }

    private String zip(City city) {
        return switch (city.country()) {
            case "US" -> city.zipPrefix() + String.format("%02d", rnd.nextInt(100));
            case "GB" -> city.name().substring(0, 1) + (1 + rnd.nextInt(20)) + " " + (1 + rnd.nextInt(9)) + (char) ('A' + rnd.nextInt(26)) + (char) ('A' + rnd.nextInt(26));
            default -> city.zipPrefix() + String.format("%0" + (5 - city.zipPrefix().length()) + "d", rnd.nextInt((int) Math.pow(10, 5 - city.zipPrefix().length())));
        };
    }

    private String birthDate(int fromYear, int toYear) {
        LocalDate d = LocalDate.of(fromYear, 1, 1).plusDays(rnd.nextInt((toYear - fromYear) * 365));
        return d.toString();
    }

    private Company newCompany() {
        City city = city();
        String name = pick(ContactPools.COMPANY_WORDS) + " " + pick(ContactPools.COMPANY_KINDS);
        String suffix = pick(ContactPools.SUFFIXES.get(ContactPools.SUFFIXES.containsKey(city.country()) ? city.country() : "US"));
        String tld = switch (city.country()) {
            case "GB" -> ".co.uk";
            case "DE" -> ".de";
            case "FR" -> ".fr";
            case "ES" -> ".es";
            default -> ".com";
        };
        return new Company(name, suffix, name.toLowerCase(Locale.ROOT).replace(" ", "") + tld, city);
    }

    private Company companyIn(City city) {
        for (int i = 0; i < 5; i++) {
            Company c = pick(companies);
            if (c.city().equals(city)) return c;
        }
        return pick(companies);
    }

    private City city() {
        int r = rnd.nextInt(totalWeight);
        for (City c : ContactPools.CITIES) {
            r -= c.weight();
            if (r < 0) return c;
        }
        throw new IllegalStateException();
    }

    // ---- one record of a person, with variations ----

    private GeneratedContact variant(Person p, int n) {
        String first = p.first();
        String last = p.last();
        if (rnd.nextDouble() < mix.nickname()) first = nickname(first);
        if (rnd.nextDouble() < mix.phoneticSpelling()) {
            if (rnd.nextBoolean()) last = soundAlike(last);
            else first = soundAlike(first);
        }
        if (rnd.nextDouble() < mix.accentVariant()) {
            last = accentVariant(last);
            first = accentVariant(first);
        }
        if (rnd.nextDouble() < mix.typo()) {
            if (rnd.nextBoolean()) last = typo(last);
            else first = typo(first);
        }
        if (rnd.nextDouble() < mix.caseChange()) {
            boolean upper = rnd.nextBoolean();
            first = upper ? first.toUpperCase(Locale.ROOT) : first.toLowerCase(Locale.ROOT);
            last = upper ? last.toUpperCase(Locale.ROOT) : last.toLowerCase(Locale.ROOT);
        }
        if (rnd.nextDouble() < mix.firstNameMissing()) first = rnd.nextBoolean() ? null : first.substring(0, 1) + ".";
        if (rnd.nextDouble() < mix.swappedNames()) {
            String t = first;
            first = last;
            last = t;
        }

        String email = p.email();
        if (rnd.nextDouble() < mix.emailChanged()) email = personalEmail(p.first(), p.last(), p.company());
        else if (rnd.nextDouble() < mix.emailVariant()) email = emailVariant(email);
        if (rnd.nextDouble() < mix.emailMissing()) email = null;

        String phone = p.phone();
        if (rnd.nextDouble() < mix.phoneChanged()) phone = newPhone(p.city());
        String phoneText = formatPhone(phone, rnd.nextDouble() < mix.phoneFormat() ? 1 + rnd.nextInt(4) : 0);
        if (rnd.nextDouble() < mix.phoneMissing()) phoneText = null;

        String street = p.street();
        String city = p.city().name();
        String zip = p.zip();
        if (rnd.nextDouble() < mix.streetVariant()) street = streetVariant(street);
        if (rnd.nextDouble() < mix.addressMissing()) {
            street = null;
            zip = null;
            if (rnd.nextBoolean()) city = null;
        } else if (rnd.nextDouble() < mix.caseChange()) {
            city = city.toUpperCase(Locale.ROOT);
        }

        String company = p.company() == null ? null : p.company().name() + " " + p.company().suffix();
        if (company != null && rnd.nextDouble() < mix.companyVariant()) company = companyVariant(p.company());
        if (rnd.nextDouble() < mix.companyMissing()) company = null;
        String dob = rnd.nextDouble() < mix.birthDateMissing() ? null : p.birthDate();
        return new GeneratedContact(n, p.entity(), first, last, email, phoneText, street, city, zip, company, dob);
    }

    private String nickname(String first) {
        String[] nicks = ContactPools.NICKNAMES.get(first);
        return nicks == null ? first : pick(nicks);
    }

    private String soundAlike(String name) {
        for (String[] group : ContactPools.SOUND_ALIKE) {
            for (String g : group) {
                if (g.equalsIgnoreCase(name)) {
                    String other;
                    do {
                        other = pick(group);
                    } while (other.equals(name) && group.length > 1);
                    return other;
                }
            }
        }
        // generic sound-alike edits where no listed variant exists
        if (name.contains("ph")) return name.replaceFirst("ph", "f");
        if (name.matches(".*(.)\\1.*")) return name.replaceFirst("(.)\\1", "$1");
        if (name.endsWith("y")) return name.substring(0, name.length() - 1) + "ie";
        return name;
    }

    private String accentVariant(String name) {
        if (name.equals(ascii(name))) return name;
        if (rnd.nextBoolean()) return ascii(name);
        return name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("Ü", "Ue").replace("Ö", "Oe")
                .replace("Ä", "Ae").replace("ß", "ss").replace("é", "e").replace("è", "e").replace("ñ", "n");
    }

    private String typo(String s) {
        if (s.length() < 4) return s;
        int i = rnd.nextDouble() < 0.1 ? 0 : 1 + rnd.nextInt(s.length() - 1);
        char c = (char) ('a' + rnd.nextInt(26));
        return switch (rnd.nextInt(4)) {
            case 0 -> s.substring(0, i) + c + s.substring(i);                       // insertion
            case 1 -> s.substring(0, i) + s.substring(i + 1);                       // deletion
            case 2 -> s.substring(0, i) + c + s.substring(i + 1);                   // substitution
            default -> i + 1 < s.length() ? s.substring(0, i) + s.charAt(i + 1) + s.charAt(i) + s.substring(i + 2) : s; // transposition
        };
    }

    private String emailVariant(String email) {
        int at = email.indexOf('@');
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        return switch (rnd.nextInt(3)) {
            case 0 -> email.toUpperCase(Locale.ROOT);
            case 1 -> domain.equals("gmail.com") && local.length() > 2
                    ? local.substring(0, 1 + rnd.nextInt(local.length() - 1)).replace(".", "") + "." + local.substring(1 + rnd.nextInt(local.length() - 1)).replace(".", "") + "@" + domain
                    : local + "+" + pick(new String[]{"crm", "news", "shop", "2024"}) + "@" + domain;
            default -> local + "+" + pick(new String[]{"crm", "news", "shop", "2024"}) + "@" + domain;
        };
    }

    /** Phone text from "CC:national digits" in one of several formats (0 = the usual one). */
    private String formatPhone(String phone, int format) {
        String country = phone.substring(0, 2);
        String digits = phone.substring(3);
        String cc = switch (country) {
            case "US" -> "1";
            case "GB" -> "44";
            case "DE" -> "49";
            case "FR" -> "33";
            default -> "34";
        };
        if (country.equals("US")) {
            String a = digits.substring(0, 3), b = digits.substring(3, 6), c = digits.substring(6);
            return switch (format) {
                case 1 -> a + "-" + b + "-" + c;
                case 2 -> a + "." + b + "." + c;
                case 3 -> "+1 " + a + " " + b + " " + c;
                case 4 -> a + b + c;
                default -> "(" + a + ") " + b + "-" + c;
            };
        }
        return switch (format) {
            case 1 -> "00" + cc + " " + digits;
            case 2 -> "+" + cc + digits;
            case 3 -> "+" + cc + " (0)" + digits.substring(0, Math.min(3, digits.length())) + " " + digits.substring(Math.min(3, digits.length()));
            case 4 -> "+" + cc + "-" + digits;
            default -> "+" + cc + " " + digits.substring(0, 2) + " " + digits.substring(2);
        };
    }

    private String streetVariant(String street) {
        for (String[] t : ContactPools.STREET_TYPES) {
            if (street.endsWith(" " + t[0])) return street.substring(0, street.length() - t[0].length()) + t[1];
        }
        if (street.contains("straße")) return street.replace("straße", rnd.nextBoolean() ? "str." : "strasse");
        return typo(street);
    }

    private String companyVariant(Company c) {
        for (String[] group : ContactPools.SUFFIX_VARIANTS) {
            for (String s : group) {
                if (s.equals(c.suffix())) {
                    String other = pick(group);
                    return other.startsWith(",") ? c.name() + other : c.name() + " " + other;
                }
            }
        }
        return rnd.nextBoolean() ? c.name() : c.name().toUpperCase(Locale.ROOT) + " " + c.suffix();
    }

    // ---- helpers ----

    private int geometric(double mean) {
        if (mean <= 0) return 0;
        double p = 1 / (1 + mean);
        int k = 0;
        while (rnd.nextDouble() > p && k < 8) k++;
        return k;
    }

    private final java.util.IdentityHashMap<Object[], double[]> zipfTables = new java.util.IdentityHashMap<>();

    /** Zipf-like draw: earlier entries are more common (weight 1/(i+1)^0.8). */
    private <T> T zipf(T[] items) {
        double[] cumulative = zipfTables.computeIfAbsent(items, k -> {
            double[] c = new double[k.length];
            double total = 0;
            for (int i = 0; i < k.length; i++) c[i] = total += 1 / Math.pow(i + 1, 0.8);
            return c;
        });
        double r = rnd.nextDouble() * cumulative[cumulative.length - 1];
        int i = java.util.Arrays.binarySearch(cumulative, r);
        return items[Math.min(items.length - 1, i >= 0 ? i : -i - 1)];
    }

    private <T> T pick(T[] items) {
        return items[rnd.nextInt(items.length)];
    }

    private <T> T pick(List<T> items) {
        return items.get(rnd.nextInt(items.size()));
    }

    static String ascii(String s) {
        return java.text.Normalizer.normalize(s.replace("ß", "ss"), java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    }
}
