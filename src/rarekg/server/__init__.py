"""The HTTP server: SPARQL 1.1 Protocol endpoint, landing page, JSON API, explorer.

The app factory is :func:`rarekg.server.app.create_app`. This package imports nothing
itself. A query worker (``python -m rarekg.server.workers query``) imports
:mod:`rarekg.kg` (rdflib's terms with it, but neither owlready2, which the reasoner
imports only when it runs, nor oxrdflib and rdflib's SPARQL engine, which only
``KnowledgeGraph.dataset`` imports), opens the built store and is ready: well under a
second, at any size; it copies a small store into memory meanwhile. The analysis
worker loads the whole graph and builds its views: a few seconds.
"""
