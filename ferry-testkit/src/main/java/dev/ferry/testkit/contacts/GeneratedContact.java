package dev.ferry.testkit.contacts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated contact record and its truth: {@code entity} is the real person it describes; records with
 * the same entity are duplicates, all others are different people. Missing fields are null.
 */
public record GeneratedContact(long id, long entity, String firstName, String lastName, String email, String phone,
                               String street, String city, String zip, String company, String birthDate) {
    public static final String[] FIELDS = {"first_name", "last_name", "email", "phone", "street", "city", "zip", "company", "birth_date"};

    public String field(String name) {
        return switch (name) {
            case "first_name" -> firstName;
            case "last_name" -> lastName;
            case "email" -> email;
            case "phone" -> phone;
            case "street" -> street;
            case "city" -> city;
            case "zip" -> zip;
            case "company" -> company;
            case "birth_date" -> birthDate;
            case "id" -> String.valueOf(id);
            default -> null;
        };
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        for (String f : FIELDS) m.put(f, field(f));
        return m;
    }
}
