package dev.ferry.testkit.contacts;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How messy the generated contacts are: how many duplicates an entity gets, how often each variation hits a
 * duplicate record, and how many hard negatives (people who look alike but are not the same) are mixed in.
 * All rates are probabilities per record (variations) or per entity (hard negatives).
 */
public record ContactMix(String name,
                         double meanExtraRecords,   // duplicates per entity: 1 + geometric with this mean
                         double nickname, double typo, double phoneticSpelling, double accentVariant, double caseChange,
                         double emailVariant, double emailChanged, double emailMissing,
                         double phoneFormat, double phoneChanged, double phoneMissing,
                         double addressMissing, double streetVariant, double companyVariant, double companyMissing,
                         double birthDateMissing, double swappedNames, double firstNameMissing,
                         double namesake, double family, double junior, double roleAddress, double familyEmail) {

    /** A CRM with a little dirt: most duplicates keep an e-mail or a phone. */
    public static final ContactMix CLEAN = new ContactMix("clean", 0.4,
            0.10, 0.05, 0.03, 0.10, 0.05,
            0.20, 0.10, 0.10,
            0.40, 0.05, 0.10,
            0.20, 0.20, 0.20, 0.20,
            0.30, 0.01, 0.02,
            0.05, 0.04, 0.002, 0.03, 0.01);
    /** Typical merged CRM/ERP export: several systems, half the duplicates lose or change something. */
    public static final ContactMix CRM = new ContactMix("crm", 0.7,
            0.20, 0.10, 0.06, 0.20, 0.10,
            0.30, 0.20, 0.15,
            0.50, 0.10, 0.15,
            0.30, 0.30, 0.30, 0.25,
            0.40, 0.03, 0.03,
            0.10, 0.08, 0.005, 0.05, 0.02);
    /** Hard: many duplicates, much missing, changed contact details, many look-alike people. */
    public static final ContactMix MESSY = new ContactMix("messy", 1.2,
            0.30, 0.20, 0.10, 0.30, 0.20,
            0.40, 0.30, 0.25,
            0.60, 0.20, 0.25,
            0.40, 0.40, 0.40, 0.35,
            0.50, 0.05, 0.05,
            0.20, 0.15, 0.01, 0.10, 0.04);

    public static final List<ContactMix> ALL = List.of(CLEAN, CRM, MESSY);

    public static Optional<ContactMix> named(String name) {
        return ALL.stream().filter(m -> m.name.equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }
}
