"""Staff roles beyond a store membership. Hotline agents read every store's orders."""

HOTLINE_AGENTS_GROUP = "Hotline agents"
