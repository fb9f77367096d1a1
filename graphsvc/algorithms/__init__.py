"""Pure graph and optimisation algorithms: networkx, numpy/scipy and the standard library only."""
