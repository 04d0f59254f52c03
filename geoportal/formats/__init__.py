"""Number formats that differ from Django's own, so that the map page (the
browser's ``Intl.NumberFormat`` for "fr" and "ar-MA", CLDR's) and the server
(the note page and PDF, the verification page) write a number the same way."""
