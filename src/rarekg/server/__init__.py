"""The HTTP server: SPARQL 1.1 Protocol endpoint, landing page, JSON API, explorer.

The app factory is :func:`rarekg.server.app.create_app`; this package imports nothing
itself, so a query worker (``python -m rarekg.server.workers``) starts light.
"""
