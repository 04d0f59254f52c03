"""Keep the articles' search vectors in the row and their bodies out of it.

A row of an article holds two bodies and their two tsvectors: past 2 kB,
PostgreSQL's default moved the largest attribute — a tsvector — to the TOAST
table, so a search that ranks every article holding a common word fetched
each one's vector through the TOAST index (≈ 3 buffers a row, 210 ms for
20,000 matches among 100,000 articles). Vectors are now ``MAIN`` (kept in the
row, moved out only when nothing else can be) and bodies ``EXTERNAL`` (moved
out first, uncompressed: only the 20 headlines read them): ≈ 40 ms.

The storage applies to rows written afterwards; the rewrite of the rows
already there (``body_fr = body_fr``) applies it to them.
"""

from django.db import migrations

STORAGE = """
ALTER TABLE library_article
    ALTER COLUMN body_fr SET STORAGE EXTERNAL,
    ALTER COLUMN body_ar SET STORAGE EXTERNAL,
    ALTER COLUMN search_fr SET STORAGE MAIN,
    ALTER COLUMN search_ar SET STORAGE MAIN;
UPDATE library_article SET body_fr = body_fr;
"""

DEFAULT = """
ALTER TABLE library_article
    ALTER COLUMN body_fr SET STORAGE EXTENDED,
    ALTER COLUMN body_ar SET STORAGE EXTENDED,
    ALTER COLUMN search_fr SET STORAGE EXTENDED,
    ALTER COLUMN search_ar SET STORAGE EXTENDED;
"""


class Migration(migrations.Migration):
    dependencies = [("library", "0001_library")]

    operations = [migrations.RunSQL(STORAGE, DEFAULT)]
