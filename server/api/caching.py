"""HTTP caching of the public API's anonymous reads: validators, 304s and a shared response cache.

Every public answer (opportunity lists and details, the catalog, projects) depends only on
rows whose every write the database triggers log in `server_matchchange` (opportunities and
their skills: "o"; projects, meeting times, roles, skills, communities: "p") and on today's
date (expiry). Their newest log rows plus the date are the *public version*: two indexed
queries. From it, the URL and the accepted format comes the ETag, so:

- `If-None-Match` with the current ETag → 304 without building the page;
- a page built once is kept on Django's cache (Redis when configured) under its ETag, so
  the next anonymous caller with the same URL gets the stored bytes;
- any write that can change a public answer changes the version as soon as it commits, so a
  stale answer is never served after the write returns (old entries simply stop being asked
  for and expire).

Anonymous answers say `Cache-Control: public, max-age=<DJANGO_API_CACHE_MAX_AGE>`; answers to a
signed-in or token caller are `private, no-cache` with `Vary: Authorization, Cookie`, and are
never stored.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from server.models import MatchChange

PUBLIC_KINDS = ("o", "p")
VARY = ("Authorization", "Cookie")
CACHE_PREFIX = "api-public:"


def _newest_changes_sql() -> str:
    """One statement for the newest log row of each public kind: its id and token (two
    indexed look-ups each, on match_change_kind_id). Written out rather than through the ORM,
    whose compiling of two queries cost more than the whole statement (every anonymous GET,
    304s and cached pages included, asks for it)."""
    table = connection.ops.quote_name(MatchChange._meta.db_table)
    newest = f"(SELECT {{column}} FROM {table} WHERE kind = %s ORDER BY id DESC LIMIT 1)"
    return "SELECT " + ", ".join(newest.format(column=column) for _ in PUBLIC_KINDS for column in ("id", "token"))


def public_version() -> str:
    """The newest logged write of each public kind, and today (expiry moves with the date)."""
    with connection.cursor() as cursor:
        cursor.execute(_newest_changes_sql(), [kind for kind in PUBLIC_KINDS for _ in range(2)])
        found = cursor.fetchone()
    parts = [f"{found[index] or 0}.{found[index + 1] or 0}" for index in range(0, len(found), 2)]
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts)


def is_anonymous(request) -> bool:
    return request.auth is None and not request.user.is_authenticated


def etag_for(request, version: str) -> str:
    accepted = getattr(request, "accepted_media_type", "") or ""
    # The absolute URL: list pages carry absolute `next`/`previous` links.
    digest = hashlib.sha256(f"{version}|{request.build_absolute_uri()}|{accepted}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _matches(request, etag: str) -> bool:
    """Whether `If-None-Match` names this ETag. The 304 comes before the request is checked:
    an ETag of ours was given to a 200 for this URL under this version, so the same request
    would be a 200 again. Not so `*` ("any current representation"): a bad request has none,
    and only building the answer would tell; `*` is for conditional writes, so it is ignored."""
    asked = request.META.get("HTTP_IF_NONE_MATCH", "")
    return any(part.strip().removeprefix("W/") == etag for part in asked.split(",") if part.strip())


def public_headers(response, etag: str):
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
    patch_vary_headers(response, VARY)
    return response


def private_headers(response):
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, VARY)
    return response


class PublicReadCaching:
    """For read viewsets: anonymous GETs get validators, 304s and the shared cache."""

    def dispatch(self, request, *args, **kwargs):
        self._public_etag = None
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and is_anonymous(request):
            self._public_etag = etag_for(request, public_version())

    def handle_cached(self, request, build):
        """Answer from the validators or the cache when possible, else `build()` the response."""
        etag = self._public_etag
        if etag is None:
            return build()
        if _matches(request, etag):
            return HttpResponse(status=304)
        stored = cache.get(CACHE_PREFIX + etag)
        if stored is not None:
            content_type, body = stored
            response = HttpResponse(body, content_type=content_type)
            response.from_public_cache = True
            return response
        return build()

    def list(self, request, *args, **kwargs):
        return self.handle_cached(request, lambda: super(PublicReadCaching, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self.handle_cached(request, lambda: super(PublicReadCaching, self).retrieve(request, *args, **kwargs))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        etag = getattr(self, "_public_etag", None)
        if request.method not in ("GET", "HEAD"):
            return response
        if etag is None:
            return private_headers(response)
        renderer = getattr(request, "accepted_renderer", None)
        storable = response.status_code == 200 and getattr(renderer, "format", None) == "json"
        if storable and not getattr(response, "from_public_cache", False):
            response.render()
            cache.set(CACHE_PREFIX + etag, (response["Content-Type"], response.content), settings.API_CACHE_MAX_AGE)
        if response.status_code in (200, 304):
            public_headers(response, etag)
        return response


def cached_match(request, *, profile, limit: int, build):
    """The match results for an anonymous caller from the shared cache, under the public
    version and the answers as validated (so two bodies meaning the same share one entry);
    `build()` on a miss. Signed-in callers always get a fresh answer."""
    if not is_anonymous(request):
        return build()
    answers = (
        profile.community_of_practice_id,
        sorted(profile.role_ids),
        sorted(profile.skills.items()),
        profile.max_hours_per_week,
        profile.timezone,
        [
            tuple(slot)[:3] if isinstance(slot, tuple) else (slot.weekday, slot.start, slot.end)
            for slot in profile.availability
        ],
        limit,
        request.build_absolute_uri("/"),
    )
    key = CACHE_PREFIX + "match:" + hashlib.sha256(f"{public_version()}|{answers!r}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, settings.API_CACHE_MAX_AGE)
    return found
