"""Table fingerprints: proof that a request wrote nothing."""

from __future__ import annotations

# Tables a request may legitimately write without changing any record: the session, login throttling, the
# rate-limit counts (the database cache) and the sign-in audit.
_NOT_RECORDS = ("django_session", "axes_", "django_cache", "core_signinevent")


def fingerprint(*, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """Row count and content checksum of every table (one query), to prove a request wrote nothing."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [t for (t,) in cursor.fetchall() if not t.startswith(_NOT_RECORDS + exclude)]
        parts = [
            f"SELECT '{t}', count(*)::text || ':' || md5(coalesce(string_agg(md5(x::text), '' "
            f"ORDER BY md5(x::text)), '')) FROM \"{t}\" AS x"
            for t in tables
        ]
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
