"""Word lists the simulator builds publishers, headlines and article prose from."""

PUBLISHERS: tuple[str, ...] = (
    "Simulated Herald",
    "Loopback Times",
    "The Localhost Ledger",
    "Daily Datagram",
    "Packet Gazette",
    "The Socket Sentinel",
    "Evening Echo",
    "The Handshake Chronicle",
    "Latency Observer",
    "Router Review",
    "The Checksum Courier",
    "Morning Multicast",
    "The Subnet Standard",
    "Byte Bulletin",
    "Kernel Tribune",
    "The Null Route Register",
    "Ping Press",
    "Weekly Wire",
    "The Ethernet Examiner",
    "Bandwidth Beacon",
    "Gateway Globe",
    "The Frame Journal",
    "TTL Telegraph",
    "The Backbone Dispatch",
)

# Lowercase letters only: section names end up in feed ids, which the router parses.
SECTIONS: tuple[str, ...] = (
    "world", "politics", "business", "technology", "science", "health", "sport",
    "culture", "opinion", "climate", "education", "travel", "food", "books",
    "music", "film", "economy", "local", "weather", "media", "markets", "energy",
    "transport", "housing", "crime", "courts", "religion", "fashion", "gaming",
    "space", "environment", "obituaries", "lifestyle", "property", "careers",
    "motoring", "gardening", "letters", "puzzles", "archive",
)

FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Amara", "Anton", "Beatriz", "Bruno", "Chen", "Clara", "Dario", "Dev",
    "Elena", "Emeka", "Farah", "Felix", "Greta", "Hana", "Hugo", "Imran", "Ines",
    "Jonas", "Julia", "Kofi", "Lena", "Leon", "Lucia", "Malik", "Maren", "Mateo",
    "Mei", "Nadia", "Nils", "Noor", "Omar", "Priya", "Rafael", "Rosa", "Sami",
    "Sofia", "Tariq", "Tessa", "Theo", "Uma", "Viktor", "Wren", "Yara", "Yusuf",
    "Zoe",
)

LAST_NAMES: tuple[str, ...] = (
    "Abara", "Bergstrom", "Castillo", "Dubois", "Eriksen", "Fontaine", "Garcia",
    "Hartley", "Ibsen", "Jovanovic", "Kaur", "Lindqvist", "Moreau", "Nakamura",
    "Okafor", "Petrov", "Quinn", "Rossi", "Sato", "Takahashi", "Underwood",
    "Varga", "Whitfield", "Xu", "Yilmaz", "Zielinski", "Almeida", "Brennan",
    "Costa", "Delgado", "Ferreira", "Haddad", "Kowalski", "Mensah", "Novak",
    "Osei", "Pereira", "Reyes", "Schmidt", "Tanaka", "Vasquez", "Weber",
)

PLACES: tuple[str, ...] = (
    "Northfield", "Port Ellis", "Marrowbridge", "Eastmere", "Calder Falls",
    "Hollowbrook", "Saltmarsh", "Kingsreach", "Ashby Vale", "Redcliff",
    "Westhaven", "Brindle Cove", "Stonegate", "Larkmoor", "Fenwick",
    "Glenharrow", "Thornbury", "Silverlake", "Oakhurst", "Millbank",
    "Ravensworth", "Copperton", "Dunmore", "Elmstead", "Greywater",
    "Harrowgate", "Ironbridge", "Juniper Bay", "Kestrel Point", "Lowden",
)

ORGANISATIONS: tuple[str, ...] = (
    "the city council", "the regional health board", "the harbour authority",
    "the national statistics office", "the transport ministry", "the university",
    "the chamber of commerce", "the teachers' union", "the water company",
    "the planning committee", "the central bank", "the energy regulator",
    "the county court", "the fire service", "the housing association",
    "the farmers' cooperative", "the research institute", "the museum trust",
)

ROLES: tuple[str, ...] = (
    "a spokesperson", "the chair", "a senior analyst", "the director",
    "a local resident", "a professor of economics", "the deputy mayor",
    "a union representative", "the chief executive", "a policy adviser",
    "a shop owner", "the head teacher", "a retired engineer", "a city planner",
)

# Regular nouns only: make_plural() in prose.py relies on simple English rules.
NOUNS: tuple[str, ...] = (
    "budget", "council", "report", "plan", "project", "school", "hospital",
    "bridge", "market", "election", "policy", "proposal", "study", "survey",
    "festival", "harbour", "railway", "station", "library", "museum", "factory",
    "farm", "river", "road", "park", "court", "ruling", "deal", "contract",
    "investigation", "campaign", "programme", "grant", "tax", "price", "wage",
    "rent", "network", "system", "service", "scheme", "strategy", "agreement",
    "review", "inquiry", "decision", "vote", "debate", "protest", "strike",
    "storm", "flood", "drought", "harvest", "season", "league", "match",
    "tournament", "exhibition", "concert", "album", "novel", "film", "startup",
    "company", "bank", "loan", "fund", "index", "forecast", "target", "record",
    "shortage", "surplus", "deficit", "reform", "law", "bill", "license",
    "permit", "tower", "tunnel", "airport", "port", "clinic", "vaccine",
    "treatment", "trial", "experiment", "satellite", "telescope", "battery",
    "turbine", "pipeline", "warehouse", "neighbourhood", "district", "village",
    "community", "coalition", "committee", "board", "agency", "union",
    "federation", "charity", "audit", "lawsuit", "merger", "platform",
    "algorithm", "database", "archive", "orchestra", "stadium", "garden",
)

ADJECTIVES: tuple[str, ...] = (
    "new", "local", "regional", "national", "controversial", "long-awaited",
    "ambitious", "modest", "major", "small", "rural", "urban", "historic",
    "independent", "public", "private", "annual", "temporary", "permanent",
    "revised", "delayed", "costly", "popular", "unexpected", "early", "late",
    "final", "initial", "second", "record", "sharp", "gradual", "steady",
    "surprising", "crucial", "fragile", "complex", "simple", "digital",
    "coastal", "northern", "southern", "eastern", "western", "emergency",
    "seasonal", "experimental", "joint", "rival", "former", "leading",
)

ADVERBS: tuple[str, ...] = (
    "quickly", "quietly", "narrowly", "largely", "formally", "finally",
    "reluctantly", "unanimously", "repeatedly", "partly", "publicly",
    "cautiously", "sharply", "briefly", "openly", "steadily",
)

# Regular verbs whose past tense is the base plus -d or -ed (see prose.py).
VERBS: tuple[str, ...] = (
    "approve", "reject", "announce", "delay", "review", "expand", "criticise",
    "fund", "propose", "launch", "cancel", "support", "question", "defend",
    "extend", "open", "close", "restore", "replace", "investigate", "publish",
    "challenge", "welcome", "postpone", "finance", "promote", "reduce",
    "increase", "debate", "consider", "accept", "examine", "complete",
    "suspend", "redesign", "renovate", "monitor", "track", "test", "adopt",
)

IRREGULAR_PAST: dict[str, str] = {
    "sell": "sold", "build": "built", "win": "won", "lose": "lost",
    "bring": "brought", "take": "took", "set": "set", "cut": "cut",
    "begin": "began", "hold": "held",
}

PREPOSITIONS: tuple[str, ...] = (
    "after", "before", "despite", "amid", "following", "ahead of", "during",
    "without", "alongside", "because of",
)

TIMES: tuple[str, ...] = (
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday",
    "over the weekend", "last week", "this morning", "late on Sunday",
    "earlier this year", "last month", "in the spring", "this autumn",
    "for the first time", "after months of talks", "within hours",
)

CONNECTIVES: tuple[str, ...] = (
    "However", "Meanwhile", "In addition", "At the same time", "Even so",
    "By contrast", "As a result", "For now", "Still", "Separately",
    "According to officials", "In recent years",
)

FEELINGS: tuple[str, ...] = (
    "confident", "concerned", "optimistic", "frustrated", "cautious",
    "pleased", "disappointed", "hopeful", "surprised", "determined",
)
