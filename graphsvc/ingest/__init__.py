"""Ledger v1 in and out: read files, validate rows, write batches, export."""
