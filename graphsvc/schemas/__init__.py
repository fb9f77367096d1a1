"""Pydantic models: Ledger v1 rows, API inputs and outputs."""
