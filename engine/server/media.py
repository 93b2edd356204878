"""The engine's content store methods: what a client sends by hash, and the results it fetches.

`media.has` / `media.put` / `media.folder` receive a client's inputs into the
store (engine.remote.store) in chunks of base64 inside ordinary JSON-RPC
messages; `media.stat` / `media.get` hand result files back the same way.
Only files in the engine's result cache and content store can be fetched,
so a client reads results, not the machine (nor the rest of the data folder).
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.jobs.spec import default_cache_dir
from engine.paths import data_dir
from engine.remote.store import ContentStore, read_chunk, readable_result, stat_result
from engine.results import mark_used


class MediaMethods:
    """Mixed into the engine server: the `media.*` requests."""

    _store: ContentStore | None = None

    @property
    def store(self) -> ContentStore:
        if self._store is None:
            self._store = ContentStore(data_dir() / "content")
        return self._store

    def _fetchable(self) -> list[Path]:
        return [default_cache_dir(), self.store.folder]

    def _rpc_media_has(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.store.has(params["sha256"], str(params.get("name", "")))

    def _rpc_media_put(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            data = base64.b64decode(str(params["data"]), validate=True)
        except (binascii.Error, ValueError):
            raise GenerateError("data must be base64") from None
        return self.store.put(
            params["sha256"], params["offset"], data, params["size"], str(params.get("name", ""))
        )

    def _rpc_media_folder(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"path": str(self.store.folder_of(params["files"]))}

    def _rpc_media_stat(self, params: dict[str, Any]) -> dict[str, Any]:
        file = readable_result(params.get("path"), self._fetchable())
        mark_used(file)  # fetched (again): the engine's age limit keeps it
        return stat_result(file)

    def _rpc_media_get(self, params: dict[str, Any]) -> dict[str, Any]:
        file = readable_result(params.get("path"), self._fetchable())
        data = read_chunk(file, params.get("offset", 0), params.get("length"))
        return {"data": base64.b64encode(data).decode("ascii")}
