"""Volunteer alerts (DESIGN.md "Volunteer alerts"): subscribe with double opt-in, digests of new
matching opportunities as tasks, one-click unsubscribe.

- services.py: subscribe, confirm, unsubscribe (the rules; API, pages and admin call them)
- tokens.py: the signed links in the emails
- digests.py: which alerts a newly published opportunity is due to, and the digest itself
- emails.py: the two messages (confirmation, digest)
- views.py: the server-rendered confirm and unsubscribe pages
"""
