"""Coverage gaps for planners: the ten rules (`gaps`), the summary (`summary`), who should close each gap
(`suggestions`), where to add service points and what-if (`planning`), and accepting a suggestion
(`accepting`: the only writes, stamped and audited)."""

from graphsvc.services.coverage.accepting import accept_covers, accept_joint, accept_links, accept_org
from graphsvc.services.coverage.area import communities_of
from graphsvc.services.coverage.gaps import gaps, picture
from graphsvc.services.coverage.paging import gap_page
from graphsvc.services.coverage.planning import plan_service_points, what_if
from graphsvc.services.coverage.suggestions import suggest_branches, suggest_groups, suggest_links, suggest_units
from graphsvc.services.coverage.summary import summary

__all__ = [
    "accept_covers",
    "accept_joint",
    "accept_links",
    "accept_org",
    "communities_of",
    "gap_page",
    "gaps",
    "picture",
    "plan_service_points",
    "suggest_branches",
    "suggest_groups",
    "suggest_links",
    "suggest_units",
    "summary",
    "what_if",
]
