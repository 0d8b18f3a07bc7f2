"""The Voilà apps: each module's ``build()`` reads the configured database and user, opens
the facade and composes the widgets; the notebooks in ``notebooks/`` only call it."""
