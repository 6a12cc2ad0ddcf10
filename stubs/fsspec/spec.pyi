from typing import Any, ClassVar

class AbstractFileSystem:
    protocol: ClassVar[str | tuple[str, ...]]
    root_marker: ClassVar[str]
    sep: ClassVar[str]
    async_impl: ClassVar[bool]
    def __init__(self, *args: Any, **storage_options: Any) -> None: ...
    @classmethod
    def _strip_protocol(cls, path: str) -> str: ...
    def info(self, path: str, **kwargs: Any) -> dict[str, Any]: ...
    def isdir(self, path: str) -> bool: ...
    def exists(self, path: str, **kwargs: Any) -> bool: ...
    def cat_file(
        self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> bytes: ...
    def pipe_file(
        self, path: str, value: bytes, mode: str = "overwrite", **kwargs: Any
    ) -> None: ...
    def mv(
        self,
        path1: str,
        path2: str,
        recursive: bool = False,
        maxdepth: int | None = None,
        **kwargs: Any,
    ) -> None: ...
    def rm_file(self, path: str) -> None: ...
    def rm(self, path: str, recursive: bool = False, maxdepth: int | None = None) -> None: ...
    def makedirs(self, path: str, exist_ok: bool = False) -> None: ...
    def open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        cache_options: dict[str, Any] | None = None,
        compression: str | None = None,
        **kwargs: Any,
    ) -> Any: ...
    # A list of paths, or with detail=True a mapping of path to info.
    def find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        detail: bool = False,
        **kwargs: Any,
    ) -> Any: ...
