"""Arabic as written in Morocco (CLDR's ar-MA): Western digits, a comma before
the decimals and a dot between thousands, which Django's ``ar`` does not group."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
