"""graphsvc (共建图谱): a graph service for community Party-building networks."""

__version__ = "0.1.0"
