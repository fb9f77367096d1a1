"""Records -> networkx graphs (and the plain inputs algorithms take), one module per question.

Algorithms never see neo4j records; routers never see networkx.
"""
