"""Content-Security-Policy (django-csp), with the admin's one exception.

The policy (settings.CONTENT_SECURITY_POLICY) allows scripts only from this origin. Unfold's
admin is driven by Alpine.js, whose standard build evaluates its `x-data` / `@click`
expressions with the Function constructor, so admin pages add 'unsafe-eval' (still no inline
script). Everything else (Swagger UI, the API's JSON, public pages) gets the strict policy.
"""

from csp.constants import UNSAFE_EVAL
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path.startswith(ADMIN_PREFIX):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), UNSAFE_EVAL]
            parts.update = update
        return parts
