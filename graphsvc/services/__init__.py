"""One module per question: named queries -> projection -> algorithm -> schema."""
