"""Measure the law library's search on 5,000 texts and 100,000 articles.

    .venv/bin/python -m geoportal.embedded_db ensure
    .venv/bin/python benchmarks/library_search.py            # ≈ 3 min
    .venv/bin/python benchmarks/library_search.py --force    # regenerate

In the benchmark database (``generate.py``'s ``geoportail_bench``, migrated;
its other tables are not needed) it generates, in SQL, 5,000 texts of every
kind with titles and 100,000 articles in French and Arabic (40 words each
drawn with Zipf-like frequencies from made-up words and a planning
vocabulary: ``vocabulary``), plus a fixed set of target articles
(``TARGETS``) for relevance. Then, query by query, interleaved on one
keep-alive HTTP connection to granian (as ``scripts/run`` serves) and one
prepared psycopg connection:

- ``GET /api/v1/library/search?q=…`` (texts by number or title, articles with
  snippets, as of today);
- the anchor: the raw PostgreSQL full-text statements that answer the same
  question — the statements of ``library/search.py`` (texts by number, words
  or trigrams, the first that finds; the best 20 articles with their
  snippets), prepared, on a psycopg connection, without Django or HTTP;
- the ranking alone, for context (the best 20 articles of the GIN index by
  rank: no snippet, no texts);

and prints p50/p95 of each, French and Arabic apart, and the ratios of the
HTTP answer to the anchor (the goal: ≤ 2×) and to the ranking alone. Then
precision at 5 on ``RELEVANCE``: for each query, the share of its expected
articles among the top five the API answers (of at most five expected).
Figures go to stdout; tests never assert on them.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import random
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

import psycopg  # noqa: E402
from generate import bench_url, ensure_database  # noqa: E402
from serving import free_port, start_portal  # noqa: E402

from library.search import (  # noqa: E402
    LibraryQuery,
    articles_statement,
    procedures_statement,
    texts_statements,
)

TEXTS = 5_000
ARTICLES = 100_000
MARK = "BENCH-"  # numbers of the generated texts: "BENCH-123"

FR_WORDS = (  # noqa: SIM905 (words as one reads them)
    "construction permis zone hauteur recul parcelle lotissement voirie "
    "équipement habitat servitude alignement façade étage terrain commune "
    "autorisation plan aménagement règlement urbanisme déclaration infraction "
    "démolition clôture stationnement espace vert agence délai dossier enquête "
    "approbation périmètre coefficient emprise occupation sol assainissement "
    "réseau eau électricité route boulevard place marché public commission "
    "conformité certificat réception travaux architecte ingénieur géomètre"
).split()
AR_WORDS = (  # noqa: SIM905 (words as one reads them)
    "البناء رخصة منطقة العلو التراجع القطعة التجزئة الطرق التجهيزات السكن "
    "الارتفاق التصفيف الواجهة الطابق الأرض الجماعة الإذن تصميم التهيئة ضابط "
    "التعمير التصريح المخالفة الهدم السياج مواقف المساحات الخضراء الوكالة "
    "الأجل الملف البحث المصادقة المدار معامل الاستيلاء استغلال التطهير الشبكة "
    "الماء الكهرباء الطريق الشارع الساحة السوق العمومي اللجنة المطابقة شهادة "
    "تسلم الأشغال المهندس المعماري المساح إنشاء مبنى المدينة مسؤولية"
).split()
SYNTHETIC_WORDS = 3_000
# The ranks the vocabulary's words take in the word frequencies, spread from
# common (rank 20: in ≈ 20 % of the articles) to rare (rank 1,500: ≈ 1 %).
FIRST_RANK, LAST_RANK = 20, 1_500


def vocabulary(words: list[str], letters: str, seed: int) -> list[str]:
    """``SYNTHETIC_WORDS`` made-up words with ``words`` placed among them at
    log-spaced ranks: drawn log-uniformly (``index = exp(random · ln n)``),
    word frequencies fall as in a real corpus (Zipf), so a query word matches
    from ≈ 1 % to ≈ 20 % of the articles rather than half of them."""
    rng = random.Random(seed)
    made_up = set()
    while len(made_up) < SYNTHETIC_WORDS:
        made_up.add("".join(rng.choice(letters) for _ in range(rng.randint(5, 8))))
    ranked = sorted(made_up)
    rng.shuffle(ranked)
    for index, word in enumerate(words):
        share = index / max(1, len(words) - 1)
        rank = round(FIRST_RANK * (LAST_RANK / FIRST_RANK) ** share)
        ranked.insert(rank, word)
    return ranked


KINDS = ("law", "decree", "order", "circular", "regulation", "procedure", "procurement")

# Target articles (text number, article number, French, Arabic) that the
# relevance queries must find first among the generated noise.
TARGETS = [
    ("T-1", "1", "Le permis de construire est exigé pour toute construction nouvelle.",
     "تشترط رخصة البناء لكل بناء جديد."),
    ("T-1", "2", "Le permis de construire est délivré par le président de la commune.",
     "يسلم رئيس الجماعة رخصة البناء."),
    ("T-1", "3", "Sans permis de construire, les travaux sont une infraction.",
     "الأشغال دون رخصة البناء مخالفة."),
    ("T-2", "1", "La création d'un lotissement est soumise à autorisation préalable.",
     "يتوقف إحداث التجزئة العقارية على إذن سابق."),
    ("T-2", "2", "Le lotisseur réalise la voirie et les réseaux du lotissement.",
     "ينجز صاحب التجزئة العقارية الطرق والشبكات."),
    ("T-3", "1", "La hauteur maximale des constructions est fixée par le plan.",
     "يحدد التصميم العلو الأقصى للمباني."),
    ("T-3", "2", "La hauteur maximale se mesure depuis le trottoir.",
     "يقاس العلو الأقصى انطلاقا من مستوى الرصيف."),
    ("T-4", "1", "Le certificat de conformité est délivré après réception des travaux.",
     "تسلم شهادة المطابقة بعد تسلم الأشغال."),
    ("T-5", "1", "Les marchés publics sont passés par appel d'offres ouvert.",
     "تبرم الصفقات العمومية بطلب عروض مفتوح."),
    ("T-5", "2", "L'appel d'offres est publié dans le portail des marchés publics.",
     "ينشر طلب العروض في بوابة الصفقات العمومية."),
]  # fmt: skip

RELEVANCE = {
    "fr": {
        "permis de construire": {"T-1:1", "T-1:2", "T-1:3"},
        "lotissement autorisation": {"T-2:1"},
        "hauteur maximale": {"T-3:1", "T-3:2"},
        "certificat de conformité": {"T-4:1"},
        "appel d'offres": {"T-5:1", "T-5:2"},
        "marches publics": {"T-5:1", "T-5:2"},
    },
    "ar": {
        "رخصة البناء": {"T-1:1", "T-1:2", "T-1:3"},
        "التجزئة العقارية": {"T-2:1", "T-2:2"},
        "العلو الأقصى": {"T-3:1", "T-3:2"},
        "شهادة المطابقه": {"T-4:1"},  # typed with haa for taa marbuta
        "طلب العروض": {"T-5:1", "T-5:2"},
        "الصفقات العموميه": {"T-5:1", "T-5:2"},
    },
}


def libpq(url: str) -> str:
    return "postgresql" + url[url.index(":") :]


def generated(conn: psycopg.Connection) -> bool:
    count = conn.execute(
        "SELECT count(*) FROM library_article a JOIN library_text t ON t.id = a.text_id"
        " WHERE t.number LIKE %s",
        [MARK + "%"],
    ).fetchone()[0]
    return count == ARTICLES


def generate(conn: psycopg.Connection) -> None:
    """The texts, their articles and the targets, in one transaction."""
    rng = random.Random(17)
    with conn.transaction():
        generated = (
            "SELECT id FROM library_text"
            " WHERE number LIKE %(mark)s OR number LIKE 'T-%%'"
        )
        conn.execute(
            f"DELETE FROM library_article WHERE text_id IN ({generated})",
            {"mark": MARK + "%"},
        )
        conn.execute(
            f"DELETE FROM library_text WHERE id IN ({generated})", {"mark": MARK + "%"}
        )
        texts = []
        for index in range(TEXTS):
            kind = KINDS[index % len(KINDS)]
            number = f"{MARK}{index}"
            words_fr = " ".join(rng.sample(FR_WORDS, 6))
            words_ar = " ".join(rng.sample(AR_WORDS, 6))
            day = f"{1960 + index % 60}-01-01"
            title_fr, title_ar = (
                f"Texte {index} : {words_fr}",
                f"نص {index}: {words_ar}",
            )
            texts.append(
                (kind, number, f"{kind}-{number.lower()}", title_fr, title_ar, day)
            )
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO library_text (kind, number, key, title_fr, title_ar,"
                " signed_on, published_on, in_force_on, bulletin, authority_fr,"
                " authority_ar, status, is_excerpt, pdf_fr, pdf_ar, extracted_fr,"
                " extracted_ar, from_demo_data) VALUES (%s, %s, %s, %s, %s, %s::date,"
                " %s::date, %s::date, '', 'Bench', '', 'in_force', false, '', '', '',"
                " '', false)",
                [(k, n, key, tf, ta, d, d, d) for k, n, key, tf, ta, d in texts],
            )
        print(f"{TEXTS} texts")
        per_text = ARTICLES // TEXTS
        conn.execute(
            """
            INSERT INTO library_article (text_id, enacted_by_id, number, position,
                body_fr, body_ar, valid_from, valid_to, repealed)
            SELECT t.id, t.id, n::text, n,
                   (SELECT string_agg((%(fr)s::text[])[least(%(fr_size)s,
                        floor(exp(random() * ln(%(fr_size)s + 1)))::int)], ' ')
                    FROM generate_series(1, 40 + n * 0) g),
                   (SELECT string_agg((%(ar)s::text[])[least(%(ar_size)s,
                        floor(exp(random() * ln(%(ar_size)s + 1)))::int)], ' ')
                    FROM generate_series(1, 40 + n * 0) g),
                   t.in_force_on, NULL, false
            FROM library_text t, generate_series(1, %(per_text)s) n
            WHERE t.number LIKE %(mark)s
            """,
            {
                "fr": vocabulary(FR_WORDS, "bcdfglmnoprstuéè", seed=3),
                "ar": vocabulary(AR_WORDS, "ابتثجحخدذرزسشصضطعغفقكلمنهوي", seed=4),
                "fr_size": SYNTHETIC_WORDS + len(FR_WORDS),
                "ar_size": SYNTHETIC_WORDS + len(AR_WORDS),
                "per_text": per_text,
                "mark": MARK + "%",
            },
        )
        print(f"{ARTICLES} articles")
        for number in sorted({target[0] for target in TARGETS}):
            conn.execute(
                "INSERT INTO library_text (kind, number, key, title_fr, title_ar,"
                " published_on, in_force_on, bulletin, authority_fr, authority_ar,"
                " status, is_excerpt, pdf_fr, pdf_ar, extracted_fr, extracted_ar,"
                " from_demo_data) VALUES ('law', %s, %s, %s, '', '2000-01-01',"
                " '2000-01-01', '', 'Bench', '', 'in_force', false, '', '', '', '',"
                " false)",
                [number, f"loi-{number.lower()}", f"Loi {number}"],
            )
        for number, article, fr, ar in TARGETS:
            conn.execute(
                "INSERT INTO library_article (text_id, enacted_by_id, number, position,"
                " body_fr, body_ar, valid_from, repealed) SELECT id, id, %s, 1, %s, %s,"
                " '2000-01-01', false FROM library_text WHERE number = %s",
                [article, fr, ar, number],
            )
    conn.execute("ANALYZE library_text")
    conn.execute("ANALYZE library_article")


def queries(language: str, count: int, seed: int) -> list[str]:
    """Searches of one to three vocabulary words (common and rare together),
    and a few text numbers."""
    rng = random.Random(seed)
    words = FR_WORDS if language == "fr" else AR_WORDS
    result = []
    for index in range(count):
        if index % 10 == 9:
            number = rng.randrange(TEXTS)
            result.append(f"{MARK}{number}" if language == "fr" else f"رقم {number}")
        else:
            result.append(" ".join(rng.sample(words, 1 + index % 3)))
    return result


RANKING = {
    "fr": (
        "SELECT a.id, ts_rank_cd(a.search_fr, q, 2) AS rank FROM library_article a,"
        " websearch_to_tsquery('geoportal_fr', %(q)s) q WHERE a.search_fr @@ q"
        " AND a.valid_from <= current_date AND (a.valid_to IS NULL OR"
        " current_date < a.valid_to) ORDER BY rank DESC LIMIT 20"
    ),
    "ar": (
        "SELECT a.id, ts_rank_cd(a.search_ar, q, 2) AS rank FROM library_article a,"
        " websearch_to_tsquery('geoportal_ar', geoportal_fold_digits(%(q)s)) q"
        " WHERE a.search_ar @@ q AND a.valid_from <= current_date AND (a.valid_to"
        " IS NULL OR current_date < a.valid_to) ORDER BY rank DESC LIMIT 20"
    ),
}


def statements_run(conn: psycopg.Connection, q: str) -> None:
    """The search's own statements, raw: texts (the first statement that
    finds some answers), procedures, and articles with their snippets."""
    query = LibraryQuery(text=q, at=datetime.date.today())
    for sql, params in texts_statements(query):
        if conn.execute(sql, params).fetchall():
            break
    for sql, params in (procedures_statement(query), articles_statement(query)):
        conn.execute(sql, params).fetchall()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def measure(url: str, count: int) -> tuple[dict, dict]:
    port = free_port()
    process = start_portal(port=port, env={"DATABASE_URL": url})
    ways = ("http", "anchor", "ranking")
    timings = {(lang, way): [] for lang in ("fr", "ar") for way in ways}
    precision: dict[str, list[float]] = {"fr": [], "ar": []}
    try:
        http_conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def api(q: str) -> dict:
            http_conn.request(
                "GET", "/api/v1/library/search?" + urllib.parse.urlencode({"q": q})
            )
            response = http_conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"search answered {response.status}: {body[:200]}")
            return json.loads(body)

        with psycopg.connect(libpq(url), prepare_threshold=0) as conn:
            plan = {
                lang: queries(lang, count, seed)
                for lang, seed in (("fr", 1), ("ar", 2))
            }
            for lang in ("fr", "ar"):  # warm both workers and the plans
                for q in plan[lang][:50]:
                    api(q)
                    statements_run(conn, q)
                    conn.execute(RANKING[lang], {"q": q}).fetchall()
            for index in range(count):
                for lang in ("fr", "ar"):
                    q = plan[lang][index]
                    # Each way first, second and last in turn.
                    order = ways[index % 3 :] + ways[: index % 3]
                    for way in order:
                        t0 = time.perf_counter()
                        if way == "http":
                            api(q)
                        elif way == "anchor":
                            statements_run(conn, q)
                        else:
                            conn.execute(RANKING[lang], {"q": q}).fetchall()
                        timings[(lang, way)].append((time.perf_counter() - t0) * 1000)
            for lang, expected in RELEVANCE.items():
                for q, relevant in expected.items():
                    top = [
                        f"{hit['text'].removeprefix('loi-').upper()}:{hit['number']}"
                        for hit in api(q)["articles"][:5]
                    ]
                    found = len(set(top) & relevant)
                    precision[lang].append(found / min(5, len(relevant)))
                    print(f"  {lang} {q!r}: {found}/{min(5, len(relevant))} {top}")
        http_conn.close()
    finally:
        process.terminate()
        process.wait(timeout=20)
    return timings, precision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="regenerate")
    parser.add_argument("--queries", type=int, default=500, help="per language")
    args = parser.parse_args()
    url = bench_url()
    ensure_database(url)
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        if args.force or not generated(conn):
            t0 = time.perf_counter()
            generate(conn)
            print(f"generated in {time.perf_counter() - t0:.0f} s")
    timings, precision = measure(url, args.queries)
    print(f"\n{args.queries} queries per language, interleaved (ms):")
    for lang in ("fr", "ar"):
        http_ms = timings[(lang, "http")]
        line = (
            f"  {lang}: HTTP p50 {percentile(http_ms, 50):.2f}"
            f" p95 {percentile(http_ms, 95):.2f}"
        )
        for way, name in (("anchor", "raw statements"), ("ranking", "ranking alone")):
            raw_ms = timings[(lang, way)]
            line += (
                f" | {name} p50 {percentile(raw_ms, 50):.2f}"
                f" p95 {percentile(raw_ms, 95):.2f}, HTTP/{name.split()[0]} p50 "
                f"{percentile(http_ms, 50) / percentile(raw_ms, 50):.2f}"
                f" p95 {percentile(http_ms, 95) / percentile(raw_ms, 95):.2f}"
            )
        print(line)
    for lang, values in precision.items():
        print(f"  precision at 5, {lang}: {statistics.mean(values):.2f}")


if __name__ == "__main__":
    main()
