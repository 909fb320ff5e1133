package dev.ferry.testkit.contacts;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes generated contacts as CSV (header id, first_name, …, birth_date; empty = missing) for loading into a
 * benchmark source table: {@code ContactCsv FILE RECORDS [SEED] [MIX]}, then e.g. psql's {@code \copy … csv header}.
 */
public final class ContactCsv {
    private ContactCsv() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        ContactMix mix = args.length > 3 ? ContactMix.named(args[3]).orElseThrow() : ContactMix.CRM;
        List<GeneratedContact> all = ContactGenerator.generate(seed, mix, n);
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("id," + String.join(",", GeneratedContact.FIELDS) + ",entity\n");
            for (GeneratedContact c : all) {
                StringBuilder sb = new StringBuilder().append(c.id());
                for (String f : GeneratedContact.FIELDS) sb.append(',').append(csv(c.field(f)));
                w.write(sb.append(',').append(c.entity()).append('\n').toString());
            }
        }
    }

    private static String csv(String v) {
        if (v == null) return "";
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
