"""The HTTP server: SPARQL 1.1 Protocol endpoint, landing page, JSON API, explorer.

The app factory is :func:`rarekg.server.app.create_app`. This package imports nothing
itself, but a query worker (``python -m rarekg.server.workers``) imports
:mod:`rarekg.kg` to open the store, and with it the reasoner's owlready2: starting a
worker takes a second or more.
"""
