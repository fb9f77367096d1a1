"""The map (一张图): every layer as a GeoJSON FeatureCollection, with each feature's facts in Chinese."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graphsvc.schemas.ids import PickedId

LAYERS = {  # id -> the name people read, in drawing order (boundaries below, points above)
    "communities": "社区边界",
    "grids": "网格边界",
    "reach": "服务站点步行范围",
    "co_construction": "结对共建连线",
    "urban_rural": "城乡结对连线",
    "buildings": "楼栋覆盖状态",
    "units": "驻区单位",
    "service_points": "服务站点",
    "gaps": "缺口标记",
}


class Layer(BaseModel):
    id: str
    zh: str
    type: str = "FeatureCollection"
    features: list[dict[str, Any]]
    count: int
    legend: list[dict[str, str]] = []  # {key, zh, color}


class MapData(BaseModel):
    where: str
    layers: list[Layer]
    reach_m: float  # the straight-line radius of the rule-9 walk (walk minutes × speed ÷ detour)
    tile_url: str | None
    bounds: list[list[float]] | None  # [[south, west], [north, east]]
    show: list[str] | None = None  # layers drawn at first (None: all); the others are a click away


class MapQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    street_id: PickedId = None
    community_id: PickedId = None
    show: str | None = Field(default=None, max_length=300, pattern=r"^[a-z_,]*$",
                             description="先显示哪些图层（逗号分隔，如 urban_rural,communities）；默认全部")
