"""Notifications: who follows what, the events that changes emit, and their delivery.

A change writes a :class:`~archive.models.NotificatieGebeurtenis` in its own transaction
(``gebeurtenissen.emit``), so a crash never loses one. The notify worker
(``archive.notificaties.worker``; in-process by default, or ``dossierhuis notify
worker``) fans each event out to the users who follow its zaak, persons or department —
asking the access policy *at delivery*, not at subscription — and to the webhooks, then
sends e-mail and webhook calls. Notifications carry ids and identificaties only: the
inbox renders text from the objects the reader may still see; e-mail holds a neutral
subject, an identificatie and a link; webhooks a signed JSON event with an idempotency
key (``kenmerk``).
"""
