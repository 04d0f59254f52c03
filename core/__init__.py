"""The ground floor: what every app may use and that imports no app.

JSON API plumbing and its error classes (``api``), the OpenAPI document's
shared parts (``openapi``), text in several languages (``i18n``), the days the
portal answers about (``dates``) and database helpers (``db``). A plain
package, not an app: its messages live in the project catalogue (``locale/``).
``tests/test_layering.py`` checks that it imports no project app.
"""
