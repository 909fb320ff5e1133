package dev.ferry.quality;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The named normalisers a match rule may use, configured once per sync (default phone region, extra
 * nicknames, extra role mailbox names). Each returns null for a value with nothing comparable in it.
 */
public final class Normalizers {
    /** Mailbox names that belong to a role, not a person: such addresses never identify one person. */
    public static final Set<String> ROLE_MAILBOXES = Set.of("info", "sales", "support", "admin", "contact", "office",
            "hello", "billing", "accounts", "team", "hr", "jobs", "careers", "noreply", "no-reply", "mail", "enquiries",
            "inquiries", "help", "service", "marketing", "webmaster", "postmaster", "reception", "orders", "invoices", "press");
    private static final Set<String> GMAIL = Set.of("gmail.com", "googlemail.com");
    /** Legal-form suffixes dropped from company names (after folding, punctuation removed). */
    private static final Set<String> COMPANY_SUFFIXES = Set.of("inc", "incorporated", "corp", "corporation", "co",
            "company", "llc", "llp", "lp", "ltd", "limited", "plc", "gmbh", "mbh", "ag", "kg", "ohg", "ug", "se", "sa", "sas",
            "sarl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "aps", "pty", "pvt", "kk", "the", "group", "holding", "holdings");
    private static final Map<String, String> STREET_WORDS = Map.ofEntries(Map.entry("st", "street"), Map.entry("str", "strasse"),
            Map.entry("rd", "road"), Map.entry("ave", "avenue"), Map.entry("av", "avenue"), Map.entry("blvd", "boulevard"),
            Map.entry("dr", "drive"), Map.entry("ln", "lane"), Map.entry("ct", "court"), Map.entry("pl", "place"),
            Map.entry("sq", "square"), Map.entry("hwy", "highway"), Map.entry("apt", "apartment"), Map.entry("ste", "suite"));
    public static final Set<String> NAMES = new TreeSet<>(List.of("trim", "lower", "whitespace", "accents", "name",
            "given_name", "email", "email_personal", "phone", "company", "street", "digits", "initial"));

    private final String defaultRegion;
    private final NicknameTable nicknames;
    private final Set<String> roleMailboxes;
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();

    public Normalizers(String defaultRegion, NicknameTable nicknames, Collection<String> extraRoleMailboxes) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
        this.nicknames = nicknames;
        Set<String> roles = new HashSet<>(ROLE_MAILBOXES);
        extraRoleMailboxes.forEach(r -> roles.add(r.toLowerCase(Locale.ROOT)));
        this.roleMailboxes = Set.copyOf(roles);
    }

    public static Normalizers defaults() {
        return new Normalizers("US", NicknameTable.shipped(), List.of());
    }

    public static boolean validRegion(String region) {
        return PhoneNumberUtil.getInstance().getSupportedRegions().contains(region.toUpperCase(Locale.ROOT));
    }

    /** The normaliser of that name, or empty when there is none (see {@link #NAMES}). */
    public Optional<Normalizer> named(String name) {
        Normalizer n = switch (name) {
            case "trim" -> v -> nonEmpty(v.strip());
            case "lower" -> v -> nonEmpty(v.strip().toLowerCase(Locale.ROOT));
            case "whitespace" -> v -> nonEmpty(Text.collapseWhitespace(v));
            case "accents" -> v -> nonEmpty(Text.collapseWhitespace(Text.foldAccents(v)));
            case "name" -> this::name;
            case "given_name" -> this::givenName;
            case "email" -> this::email;
            case "email_personal" -> this::personalEmail;
            case "phone" -> this::phone;
            case "company" -> this::company;
            case "street" -> this::street;
            case "digits" -> v -> nonEmpty(v.replaceAll("\\D", ""));
            case "initial" -> v -> {
                String k = Text.nameKey(v);
                return k.isEmpty() ? null : k.substring(0, 1);
            };
            default -> null;
        };
        return Optional.ofNullable(n);
    }

    public String name(String v) {
        return nonEmpty(Text.nameKey(v));
    }

    /** A given name: name key, then the nickname table (Bob → robert); of several given names, the first. */
    public String givenName(String v) {
        String k = Text.nameKey(v);
        if (k.isEmpty()) return null;
        int space = k.indexOf(' ');
        String first = space > 0 ? k.substring(0, space) : k;
        if (first.length() == 1 && space > 0) first = k.substring(space + 1).split(" ")[0]; // "J. Robert" → robert
        return nicknames.canonical(first);
    }

    /** Lower case, trimmed; +tags dropped; for gmail the dots too and googlemail.com → gmail.com. */
    public String email(String v) {
        String e = v.strip().toLowerCase(Locale.ROOT);
        if (e.startsWith("mailto:")) e = e.substring(7);
        int at = e.lastIndexOf('@');
        if (at <= 0 || at == e.length() - 1) return null;
        String local = e.substring(0, at);
        String domain = e.substring(at + 1);
        int plus = local.indexOf('+');
        if (plus > 0) local = local.substring(0, plus);
        if (GMAIL.contains(domain)) {
            local = local.replace(".", "");
            domain = "gmail.com";
        }
        return local.isEmpty() ? null : local + "@" + domain;
    }

    /** {@link #email}, but null for role mailboxes (info@, sales@, …): they never identify a person. */
    public String personalEmail(String v) {
        String e = email(v);
        if (e == null) return null;
        String local = e.substring(0, e.indexOf('@'));
        return roleMailboxes.contains(local) ? null : e;
    }

    public boolean isRoleAddress(String v) {
        String e = email(v);
        return e != null && roleMailboxes.contains(e.substring(0, e.indexOf('@')));
    }

    /** E.164 (+442079460958) with the default region for national numbers; null when not a valid number. */
    public String phone(String v) {
        String s = v.strip();
        if (s.isEmpty()) return null;
        if (s.startsWith("00")) s = "+" + s.substring(2);
        try {
            Phonenumber.PhoneNumber p = phones.parse(s, defaultRegion);
            if (!phones.isPossibleNumber(p)) return null;
            return phones.format(p, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** Name key without legal-form suffixes: "ACME, Inc." = "Acme Incorporated" = "acme"; "Müller GmbH" = "muller". */
    public String company(String v) {
        String k = Text.nameKey(v.replace("&", " and ").replace(".", ""));
        if (k.isEmpty()) return null;
        String[] words = k.split(" ");
        int end = words.length;
        while (end > 1 && COMPANY_SUFFIXES.contains(words[end - 1])) end--;
        int start = 0;
        if (end - start > 1 && words[0].equals("the")) start = 1;
        return String.join(" ", java.util.Arrays.copyOfRange(words, start, end));
    }

    /** Name key with street abbreviations spelled out: "12 Main St." = "12 main street". */
    public String street(String v) {
        String k = Text.nameKey(v);
        if (k.isEmpty()) return null;
        StringBuilder out = new StringBuilder();
        for (String w : k.split(" ")) {
            if (!out.isEmpty()) out.append(' ');
            out.append(STREET_WORDS.getOrDefault(w, w));
        }
        return out.toString();
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
