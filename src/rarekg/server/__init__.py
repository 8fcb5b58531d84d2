"""The HTTP server: SPARQL 1.1 Protocol endpoint, landing page, JSON API, explorer.

The app factory is :func:`rarekg.server.app.create_app`. This package imports nothing
itself. A query worker (``python -m rarekg.server.workers query``) imports
:mod:`rarekg.kg` (rdflib with it, but not owlready2, which the reasoner imports only
when it runs) and loads its copy of the store: starting one takes about a second. The
analysis worker loads the whole graph and builds its views: a few seconds.
"""
