"""Emails waiting for, or done with, delivery by a task worker.

One row per event that sends an email (its `key`), so the same event never sends twice: the
row is created once, in the transaction of the change that causes it; the worker marks it
sending (committed), talks to the mail server outside any transaction, then marks it sent.
The content is stored as it was when the event happened.
"""

from django.db import models


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(
        max_length=200, unique=True, help_text="The event that sends this email, e.g. application:42:managers."
    )
    subject = models.CharField(max_length=300)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    from_email = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outbound email"
        indexes = [models.Index(fields=["status", "created_at"], name="outbound_email_status_idx")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
