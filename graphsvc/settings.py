"""One Settings object, read from GRAPHSVC_* environment variables (every one is in the README)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graphsvc.schemas.coverage import GapParams


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "graphsvc"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRAPHSVC_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    # An external Neo4j 5 (bolt:// or neo4j:// for a cluster or Aura); unset = the embedded engine.
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    database: str = "graphsvc"
    host: str = "127.0.0.1"
    port: int = 8000
    engine_heap: str = "2g"
    engine_watch_s: float = 5.0
    query_timeout_s: float = 60.0
    cache_s: float = 60.0
    batch_size: int = 5000
    max_upload_mb: int = 200
    # What one ledger file may expand to: a zip/xlsx bomb is refused before it is read.
    max_unpacked_mb: int = 100
    max_zip_members: int = 200
    max_zip_ratio: int = 100
    max_sheet_rows: int = 300_000
    env: str = "production"
    # The map's base tiles: an intranet tile server's {z}/{x}/{y} template; unset = no base layer at all.
    tile_url: str | None = None
    # How long each service-point siting model (LSCP, MCLP) may run; a request may ask for another limit.
    plan_time_limit_s: float = Field(default=60.0, ge=1, le=3_600)
    # The gap rules' thresholds (docs/domain.md's defaults); a request may still override each one.
    gaps: GapParams = Field(default_factory=GapParams)

    @model_validator(mode="after")
    def _external_needs_password(self) -> Settings:
        if self.neo4j_uri and not self.neo4j_password:
            raise ValueError("GRAPHSVC_NEO4J_PASSWORD is required with GRAPHSVC_NEO4J_URI")
        placeholder = self.neo4j_password and self.neo4j_password.get_secret_value() in {"neo4j", "password", "changeme"}
        if self.neo4j_uri and placeholder and self.env != "development":
            raise ValueError("GRAPHSVC_NEO4J_PASSWORD is a placeholder; set a real one (or GRAPHSVC_ENV=development)")
        return self

    @model_validator(mode="after")
    def _tile_template(self) -> Settings:
        if self.tile_url and not (
            self.tile_url.startswith(("http://", "https://", "/")) and all(k in self.tile_url for k in ("{z}", "{x}", "{y}"))
        ):
            raise ValueError("GRAPHSVC_TILE_URL must be an http(s) template with {z}, {x} and {y}")
        return self

    @property
    def embedded(self) -> bool:
        return not self.neo4j_uri
