"""Applicant follow-through (DESIGN.md "Applicant follow-through"): the volunteer hears back,
the managers are reminded, everyone sees how fast applicants get an answer.

- tokens.py: the signed application link (`/applications/<token>/`);
- recipients.py: who hears of an application (its project's active managers, else Organizers);
- emails.py: every follow-through email rendered from Django templates (emails/...), plain
  text and HTML, links absolute from SITE_URL;
- tasks.py: the tasks that send them and the response reminders (run_after);
- selectors.py: the response figures of the dashboard and the project page;
- views.py / urls.py: the application link's page.
The status rules themselves (first response, withdrawal) live in server/services.py.
"""
