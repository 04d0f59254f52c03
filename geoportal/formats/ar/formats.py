"""Arabic as written in Morocco (CLDR's ar-MA): Western digits, a comma before
the decimals and a dot between thousands, which Django's ``ar`` does not group;
dates and times day first, as its ``SHORT_DATE_FORMAT`` (Django's ``ar`` has no
date-and-time formats, so the American "m/d/Y" would apply)."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
DATETIME_FORMAT = "j F، Y H:i"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
