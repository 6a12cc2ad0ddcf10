from typing import Any

from fsspec.spec import AbstractFileSystem

class AsyncFileSystem(AbstractFileSystem):
    asynchronous: bool
    def __init__(
        self,
        *args: Any,
        asynchronous: bool = False,
        loop: Any = None,
        batch_size: int | None = None,
        **kwargs: Any,
    ) -> None: ...
