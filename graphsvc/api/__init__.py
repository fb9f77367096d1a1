"""Thin FastAPI routers, one per question; no Cypher, no networkx, no try/except here."""
