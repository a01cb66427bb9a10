"""Abuse resistance shared by the admin and the API: who the client is (client_ip) and the
sign-in lockout (lockout, on django-axes)."""
