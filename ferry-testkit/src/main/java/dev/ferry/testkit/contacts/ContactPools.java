package dev.ferry.testkit.contacts;

import java.util.List;
import java.util.Map;

/**
 * Name, place and company pools for {@link ContactGenerator}. Its own nickname and spelling lists, kept
 * apart from ferry-quality's table on purpose: some variants here are unknown to the matcher, as in life.
 */
final class ContactPools {
    private ContactPools() {
    }

    record City(String name, String country, String areaCode, String zipPrefix, int weight) {
    }

    static final List<City> CITIES = List.of(
            new City("New York", "US", "212", "100", 40), new City("Los Angeles", "US", "213", "900", 20),
            new City("Chicago", "US", "312", "606", 14), new City("Houston", "US", "713", "770", 12),
            new City("Phoenix", "US", "602", "850", 8), new City("Philadelphia", "US", "215", "191", 8),
            new City("San Antonio", "US", "210", "782", 7), new City("San Diego", "US", "619", "921", 7),
            new City("Dallas", "US", "214", "752", 7), new City("San Francisco", "US", "415", "941", 5),
            new City("Boston", "US", "617", "021", 5), new City("Seattle", "US", "206", "981", 5),
            new City("Denver", "US", "303", "802", 4), new City("Atlanta", "US", "404", "303", 4),
            new City("Miami", "US", "305", "331", 4), new City("Portland", "US", "503", "972", 3),
            new City("Springfield", "US", "217", "627", 2), new City("Columbus", "US", "614", "432", 4),
            new City("London", "GB", "20", "", 15), new City("Manchester", "GB", "161", "", 4),
            new City("Birmingham", "GB", "121", "", 4), new City("Berlin", "DE", "30", "1", 8),
            new City("München", "DE", "89", "8", 5), new City("Hamburg", "DE", "40", "2", 5),
            new City("Köln", "DE", "221", "5", 3), new City("Frankfurt am Main", "DE", "69", "6", 3),
            new City("Paris", "FR", "1", "75", 6), new City("Lyon", "FR", "4", "69", 2),
            new City("Madrid", "ES", "91", "28", 4), new City("Barcelona", "ES", "93", "08", 3));

    /** First names by culture: US/GB, DE, FR, ES; "|" separates female names from male ones. */
    static final Map<String, String[][]> FIRST = Map.of(
            "EN", new String[][]{
                    {"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
                            "Nancy", "Lisa", "Margaret", "Betty", "Sandra", "Ashley", "Dorothy", "Kimberly", "Emily", "Donna",
                            "Michelle", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura", "Katherine",
                            "Victoria", "Anna", "Joan", "Julia", "Jane", "Ann", "Christine", "Samantha", "Alexandra", "Megan", "Rachel"},
                    {"James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
                            "Christopher", "Daniel", "Matthew", "Anthony", "Donald", "Mark", "Paul", "Steven", "Andrew", "Kenneth",
                            "Joshua", "Kevin", "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey", "Ryan",
                            "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Benjamin",
                            "Samuel", "Alexander", "Peter", "Philip", "Sean", "Jon"}},
            "DE", new String[][]{
                    {"Anja", "Jürgen", "Birgit", "Sabine", "Ursula", "Käthe", "Jörg", "Monika", "Petra", "Susanne", "Sören", "Lena", "Anna"},
                    {"Jürgen", "Jörg", "Björn", "Günter", "Lukas", "Stefan", "Klaus", "Wolfgang", "Uwe", "Matthias", "Thomas", "Andreas", "Peter"}},
            "FR", new String[][]{
                    {"Hélène", "Chloé", "Zoë", "Élodie", "Amélie", "Céline", "Marie", "Sophie", "Camille", "Léa"},
                    {"François", "Jérôme", "Frédéric", "Stéphane", "René", "Thierry", "Olivier", "Nicolas", "Julien", "Benoît"}},
            "ES", new String[][]{
                    {"María", "Inés", "Lucía", "Sofía", "Ana", "Carmen", "Elena", "Raquel"},
                    {"José", "Jesús", "Andrés", "Ramón", "Álvaro", "Javier", "Carlos", "Sergio", "Rubén"}});

    /** Last names by culture, roughly in order of frequency (the generator draws them Zipf-like). */
    static final Map<String, String[]> LAST = Map.of(
            "EN", new String[]{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
                    "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
                    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
                    "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards",
                    "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Peterson", "Cooper", "Reed", "Bailey", "Bell",
                    "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James",
                    "Hughes", "Price", "Sanders", "Myers", "Long", "Ross", "Foster", "Powell", "Jenkins", "Perry", "Russell",
                    "Sullivan", "Bishop", "Fisher", "Stevens", "Reid", "O'Brien", "McDonald", "Fitzgerald", "Byrne", "Walsh",
                    "Gallagher", "Henderson", "Coleman", "Simmons", "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham",
                    "Wallace", "Woods", "Cole", "West", "Owens", "Marshall", "Ellis", "Harrison", "Gibson", "Mcdaniel", "Hayes",
                    "Kennedy", "Warren", "Dixon", "Burns", "Gordon", "Shaw", "Holmes", "Rice", "Hunt", "Black", "Daniels",
                    "Palmer", "Mills", "Grant", "Knight", "Ferguson", "Stone", "Hawkins", "Dunn", "Perkins", "Hudson", "Spencer",
                    "Gardner", "Stephens", "Payne", "Pierce", "Berry", "Matthews", "Arnold", "Wagner", "Willis", "Ray", "Watkins",
                    "Olson", "Carroll", "Duncan", "Snyder", "Hart", "Cunningham", "Bradley", "Lane", "Andrews", "Ruiz", "Harper",
                    "Fox", "Riley", "Armstrong", "Carpenter", "Weaver", "Greene", "Lawrence", "Elliott", "Chavez", "Sims",
                    "Austin", "Peters", "Kelley", "Franklin", "Lawson", "Fields", "Ryan", "Schmidt", "Carr", "Vasquez",
                    "Castillo", "Wheeler", "Chapman", "Oliver", "Montgomery", "Richards", "Williamson", "Johnston", "Banks",
                    "Meyer", "Bishop", "Mccoy", "Howell", "Alvarez", "Morrison", "Hansen", "Fernandez", "Garza", "Harvey",
                    "Little", "Burton", "Stanley", "Nguyen", "George", "Jacobs", "Reid", "Fuller", "Lynch", "Dean", "Gilbert"},
            "DE", new String[]{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
                    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
                    "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler",
                    "Maier", "König", "Weiß", "Jäger", "Groß", "Böhm", "Vogel", "Möller", "Günther", "Brückner", "Pöschl"},
            "FR", new String[]{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
                    "Moreau", "Lefèvre", "Lefebvre", "Girard", "Bonnet", "François", "Mercier", "Gauthier", "Chevalier", "Rousseau",
                    "Fournier", "Faure", "André", "Blanc", "Guérin", "Muller"},
            "ES", new String[]{"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
                    "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero",
                    "Navarro", "Núñez", "Ibáñez", "Peña"});

    static String culture(String country) {
        return switch (country) {
            case "DE" -> "DE";
            case "FR" -> "FR";
            case "ES" -> "ES";
            default -> "EN";
        };
    }

    /** The generator's nicknames: mostly ones Ferry's table knows, a few it does not (sasha, jogi, trudy). */
    static final Map<String, String[]> NICKNAMES = Map.ofEntries(
            Map.entry("Robert", new String[]{"Bob", "Rob", "Bobby", "Robbie"}), Map.entry("William", new String[]{"Bill", "Will", "Billy"}),
            Map.entry("Katherine", new String[]{"Kate", "Kathy", "Katie"}), Map.entry("Elizabeth", new String[]{"Liz", "Beth", "Betty", "Lizzie"}),
            Map.entry("Michael", new String[]{"Mike", "Mick"}), Map.entry("James", new String[]{"Jim", "Jimmy", "Jamie"}),
            Map.entry("Richard", new String[]{"Rick", "Rich", "Dick"}), Map.entry("Margaret", new String[]{"Maggie", "Peggy", "Meg"}),
            Map.entry("Thomas", new String[]{"Tom", "Tommy"}), Map.entry("Joseph", new String[]{"Joe", "Joey"}),
            Map.entry("Christopher", new String[]{"Chris", "Topher"}), Map.entry("Jennifer", new String[]{"Jen", "Jenny"}),
            Map.entry("Daniel", new String[]{"Dan", "Danny"}), Map.entry("Matthew", new String[]{"Matt"}),
            Map.entry("Anthony", new String[]{"Tony"}), Map.entry("Patricia", new String[]{"Pat", "Patty", "Trish"}),
            Map.entry("Susan", new String[]{"Sue", "Susie"}), Map.entry("Edward", new String[]{"Ed", "Eddie", "Ted"}),
            Map.entry("Andrew", new String[]{"Andy", "Drew"}), Map.entry("David", new String[]{"Dave"}),
            Map.entry("Steven", new String[]{"Steve"}), Map.entry("Stephen", new String[]{"Steve"}),
            Map.entry("Jonathan", new String[]{"Jon", "Jonny"}), Map.entry("Nicholas", new String[]{"Nick"}),
            Map.entry("Alexander", new String[]{"Alex", "Sasha"}), Map.entry("Alexandra", new String[]{"Alex", "Sasha"}),
            Map.entry("Benjamin", new String[]{"Ben"}), Map.entry("Samuel", new String[]{"Sam"}),
            Map.entry("Samantha", new String[]{"Sam"}), Map.entry("Rebecca", new String[]{"Becky"}),
            Map.entry("Victoria", new String[]{"Vicky", "Tori"}), Map.entry("Kenneth", new String[]{"Ken", "Kenny"}),
            Map.entry("Timothy", new String[]{"Tim"}), Map.entry("Jeffrey", new String[]{"Jeff"}),
            Map.entry("Gertrude", new String[]{"Trudy"}), Map.entry("Jürgen", new String[]{"Jogi"}),
            Map.entry("Deborah", new String[]{"Debbie", "Deb"}), Map.entry("Donald", new String[]{"Don"}),
            Map.entry("Ronald", new String[]{"Ron"}), Map.entry("Larry", new String[]{"Lawrence"}),
            Map.entry("Philip", new String[]{"Phil"}), Map.entry("Peter", new String[]{"Pete"}),
            Map.entry("Dorothy", new String[]{"Dot", "Dottie"}), Map.entry("Kimberly", new String[]{"Kim"}),
            Map.entry("Jacob", new String[]{"Jake"}), Map.entry("Nancy", new String[]{"Nan"}));

    /** Spellings that sound alike; the generator swaps a name for another of its group. */
    static final List<String[]> SOUND_ALIKE = List.of(
            new String[]{"Smith", "Smyth", "Smithe"}, new String[]{"Schmidt", "Schmitt", "Schmid"},
            new String[]{"Meyer", "Meier", "Maier", "Mayer"}, new String[]{"Johnson", "Jonson", "Johnsen"},
            new String[]{"Thompson", "Thomson", "Tompson"}, new String[]{"Stevens", "Stephens"},
            new String[]{"Phillips", "Philips"}, new String[]{"Clark", "Clarke"}, new String[]{"Reid", "Reed", "Read"},
            new String[]{"Gray", "Grey"}, new String[]{"Katherine", "Catherine", "Kathryn", "Katharine"},
            new String[]{"Steven", "Stephen"}, new String[]{"Jon", "John"}, new String[]{"Sarah", "Sara"},
            new String[]{"Jeffrey", "Geoffrey"}, new String[]{"Philip", "Phillip"}, new String[]{"Ann", "Anne"},
            new String[]{"Brian", "Bryan"}, new String[]{"Lefèvre", "Lefebvre", "Lefevre"}, new String[]{"Fischer", "Fisher"},
            new String[]{"Hoffmann", "Hofmann", "Hoffman"}, new String[]{"Rachel", "Rachael"}, new String[]{"Megan", "Meghan"},
            new String[]{"Carol", "Carole"}, new String[]{"Mcdaniel", "McDaniel", "MacDaniel"}, new String[]{"Mccoy", "McCoy"},
            new String[]{"Nguyen", "Nguyễn"}, new String[]{"Peterson", "Petersen"}, new String[]{"Hansen", "Hanson"},
            new String[]{"Olson", "Olsen"}, new String[]{"Kelly", "Kelley"}, new String[]{"Muñoz", "Munoz"});

    static final String[] PERSONAL_DOMAINS = {"gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com",
            "icloud.com", "aol.com", "web.de", "gmx.de", "orange.fr", "free.fr", "telefonica.es", "btinternet.com", "comcast.net"};

    static final String[] COMPANY_WORDS = {"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Hooli",
            "Vandelay", "Soylent", "Cyberdyne", "Tyrell", "Massive", "Dynamic", "Blue", "Red", "Green", "North", "South",
            "Pioneer", "Summit", "Apex", "Vertex", "Nova", "Quantum", "Silver", "Golden", "Atlas", "Orion", "Delta",
            "Sterling", "Harbor", "Granite", "Cedar", "Maple", "Falcon", "Eagle", "River", "Lake", "Prairie"};
    static final String[] COMPANY_KINDS = {"Systems", "Logistics", "Foods", "Labs", "Energy", "Media", "Health", "Capital",
            "Software", "Motors", "Textiles", "Pharma", "Consulting", "Robotics", "Outdoor", "Partners", "Analytics", "Retail"};
    static final Map<String, String[]> SUFFIXES = Map.of(
            "US", new String[]{"Inc.", "Inc", "Incorporated", "LLC", "Corp.", "Corporation"},
            "GB", new String[]{"Ltd", "Ltd.", "Limited", "plc"},
            "DE", new String[]{"GmbH", "AG", "GmbH & Co. KG"},
            "FR", new String[]{"SA", "SAS", "SARL"},
            "ES", new String[]{"SA", "S.A.", "SL"});
    /** Suffix groups that mean the same legal form (a record may write any of them). */
    static final List<String[]> SUFFIX_VARIANTS = List.of(new String[]{"Inc.", "Inc", "Incorporated", ", Inc."},
            new String[]{"Corp.", "Corporation", "Corp"}, new String[]{"Ltd", "Ltd.", "Limited"}, new String[]{"LLC", "L.L.C.", "llc"},
            new String[]{"GmbH", "Gmbh", "GMBH"}, new String[]{"SA", "S.A."});

    static final String[] STREETS = {"Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park",
            "Church", "High", "Station", "Mill", "Bridge", "King", "Queen", "Victoria", "Market", "Spring", "River", "Sunset",
            "Lincoln", "Jefferson", "Madison", "Franklin", "Highland", "Forest", "Meadow", "Willow"};
    static final String[][] STREET_TYPES = {{"Street", "St."}, {"Avenue", "Ave"}, {"Road", "Rd"}, {"Lane", "Ln"},
            {"Drive", "Dr."}, {"Boulevard", "Blvd"}, {"Court", "Ct"}};
    static final String[] DE_STREETS = {"Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Dorfstraße",
            "Lindenstraße", "Bergstraße", "Kirchweg", "Mühlenweg", "Birkenallee", "Goethestraße", "Schillerstraße"};
    static final String[] ROLES = {"info", "sales", "office", "contact", "hello", "support", "admin"};
}
