"""French: CLDR groups thousands with a narrow no-break space (Django: U+00A0)."""

THOUSAND_SEPARATOR = "\u202f"
