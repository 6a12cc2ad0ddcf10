from typing import Any

from fsspec.spec import AbstractFileSystem

class WebHDFS(AbstractFileSystem):
    def __init__(self, host: str, port: int = 50070, **kwargs: Any) -> None: ...
