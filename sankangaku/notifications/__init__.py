"""Notifications: one outbox row per recipient and event, delivered in-app and by email.

The one path (see README.md in this folder): a service calls `notify(...)` inside its
transaction; after commit a Celery task delivers the email; a beat sweep re-enqueues what the
broker lost; digests gather what people asked to receive daily or weekly.
"""
