"""The GCS store against fake-gcs-server: everything the emulator serves, and its limits.

fake-gcs-server serves obstore's reads (whole, ranged, HEAD), listings and deletes, but not:

* the upload obstore makes, the XML API's ``PUT /<bucket>/<object>``. The emulator has no XML API
  upload: it routes that request to its JSON API upload handler, which wants an ``uploadType``
  query parameter and answers ``400 invalid uploadType`` without one (the host it is reached by
  plays no part). Only a signed URL's PUT (an ``X-Goog-Algorithm`` query parameter) is stored as
  sent, and its answer still lacks the ``ETag`` header obstore requires of an upload. So objects
  are put in place through the emulator's JSON upload API (:meth:`GCSServer.upload`) and read
  back through the store, and the tests that write through the store run on S3 and Azure only;
* ``If-Match`` on a GET (it answers ``200`` whatever the etag), so a read whose object is
  replaced between its two requests cannot be proved here as it is on S3 and Azure;
* ``start-after`` on a listing (it lists from the start), which the store tolerates by skipping
  keys up to the offset itself.

The ``test_emulator_*`` tests pin each limit to the emulator's answer, so an emulator that gains the
feature fails them and the matching test can move to the shared store tests. What every cloud
store does alike (bounded transfers, the engine's reads counted on the wire, membership, listing
pages, ``kozmo-io inspect``) is in ``tests/test_storage_cloud.py``.
"""

from __future__ import annotations

import functools
import http.client
import urllib.parse
from collections.abc import Callable

import pytest
from _support import GCSServer, run

from kozmo_io import core
from kozmo_io.errors import (
    CorruptDataError,
    InvalidArgumentError,
    NotFoundError,
    PayloadTooLargeError,
    StorageError,
)
from kozmo_io.ioutils import (
    RemoteFileInputReader,
    SimpleInputFilePaths,
)
from kozmo_io.storage import GCSBlobStore, ListPage, open_store, read_message

pytestmark = pytest.mark.gcs

MiB = 1024 * 1024


Seed = Callable[[str, bytes], None]


@pytest.fixture
def seed(gcs_server: GCSServer, gcs_bucket: str) -> Seed:
    """Put an object in the test's bucket through the emulator's own upload API."""
    return functools.partial(gcs_server.upload, gcs_bucket)


@pytest.fixture
def store(gcs_server: GCSServer, gcs_bucket: str) -> GCSBlobStore:
    return GCSBlobStore(gcs_bucket, **gcs_server.options())


@pytest.fixture
def root(gcs_bucket: str) -> str:
    return f"gs://{gcs_bucket}"


def _exchange(
    server: GCSServer, method: str, target: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str]]:
    """Send one request to the emulator; return its status and its headers (names lowercased)."""
    url = urllib.parse.urlsplit(server.endpoint)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


def _raw(server: GCSServer, method: str, target: str, headers: dict[str, str]) -> int:
    return _exchange(server, method, target, headers)[0]


# --- the emulator's limits, pinned -------------------------------------------------------------


def test_emulator_refuses_the_upload_obstore_makes(store: GCSBlobStore, root: str) -> None:
    with pytest.raises(StorageError, match="invalid uploadType") as caught:
        run(store.put(f"{root}/x", b"1"))
    assert type(caught.value) is StorageError
    assert "400 Bad Request" in str(caught.value)


def test_emulator_stores_an_xml_upload_only_as_a_signed_url_and_answers_it_without_an_etag(
    gcs_server: GCSServer, gcs_bucket: str, store: GCSBlobStore, root: str
) -> None:
    octets = {"Content-Type": "application/octet-stream"}
    plain = _exchange(gcs_server, "PUT", f"/{gcs_bucket}/x", octets, b"1")
    assert plain[0] == 400
    signed = f"/{gcs_bucket}/x?X-Goog-Algorithm=GOOG4-RSA-SHA256"
    status, headers = _exchange(gcs_server, "PUT", signed, octets, b"1")
    assert status == 200
    assert "etag" not in headers  # a real GCS bucket answers an upload with its ETag
    assert run(store.get(f"{root}/x")) == b"1"


def test_emulator_ignores_if_match_on_a_read(
    seed: Seed, gcs_server: GCSServer, gcs_bucket: str, store: GCSBlobStore, root: str
) -> None:
    seed("x", b"payload")
    assert run(store.head(f"{root}/x")).etag
    status = _raw(gcs_server, "GET", f"/{gcs_bucket}/x", {"If-Match": '"not-the-etag"'})
    assert status == 200  # a real GCS bucket answers 412 Precondition Failed


def test_emulator_ignores_start_after_but_the_store_still_pages(
    seed: Seed, gcs_server: GCSServer, gcs_bucket: str, store: GCSBlobStore, root: str
) -> None:
    for key in ("a/1", "a/2", "a/3"):
        seed(key, b"")
    target = f"/{gcs_bucket}?list-type=2&prefix=a%2F&start-after=a%2F2"
    url = urllib.parse.urlsplit(gcs_server.endpoint)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        connection.request("GET", target)
        listing = connection.getresponse().read()
    finally:
        connection.close()
    assert b"<Key>a/1</Key>" in listing  # a real GCS bucket lists only a/3

    first = run(store.list(f"{root}/a", max_items=2))
    assert first.items == (f"{root}/a/1", f"{root}/a/2")
    assert run(store.list(f"{root}/a", max_items=2, cursor=first.cursor)) == ListPage(
        (f"{root}/a/3",), None
    )


# --- head and get ------------------------------------------------------------------------------


def test_head_reports_size_and_etag_and_missing_objects(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    seed("a/b", b"12345")
    meta = run(store.head(f"{root}/a/b"))
    assert (meta.path, meta.exists, meta.size) == (f"{root}/a/b", True, 5)
    assert meta.etag
    assert not run(store.head(f"{root}/a")).exists  # a prefix of objects is no object
    assert not run(store.head(f"{root}/missing")).exists


def test_get_reads_whole_objects_and_missing_ones_raise(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    seed("x", b"hello")
    seed("empty", b"")
    assert run(store.get(f"{root}/x")) == b"hello"
    assert run(store.get(f"{root}/empty")) == b""
    with pytest.raises(NotFoundError) as caught:
        run(store.get(f"{root}/missing"))
    assert caught.value.path == f"{root}/missing"


@pytest.mark.parametrize(
    ("byte_range", "expected"),
    [((0, 3), b"012"), ((2, 5), b"234"), ((8, 10), b"89"), ((8, 50), b"89"), ((10, 12), b"")],
)
def test_get_byte_range_reads_like_a_slice(
    seed: Seed, store: GCSBlobStore, root: str, byte_range: tuple[int, int], expected: bytes
) -> None:
    seed("digits", b"0123456789")
    assert run(store.get(f"{root}/digits", byte_range=byte_range)) == expected


def test_get_byte_range_of_empty_and_missing_objects(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    seed("empty", b"")
    assert run(store.get(f"{root}/empty", byte_range=(0, 5))) == b""
    with pytest.raises(NotFoundError):
        run(store.get(f"{root}/missing", byte_range=(0, 5)))


def test_get_exactly_at_the_limit_passes_and_one_byte_over_is_refused(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    seed("x", b"12345")
    assert run(store.get(f"{root}/x", max_bytes=5)) == b"12345"
    with pytest.raises(PayloadTooLargeError) as caught:
        run(store.get(f"{root}/x", max_bytes=4))
    assert (caught.value.size, caught.value.limit) == (5, 4)


def test_default_limit_passes_two_mib_and_refuses_one_byte_more(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    seed("exact", b"\1" * (2 * MiB))
    seed("over", b"\1" * (2 * MiB + 1))
    assert run(store.get(f"{root}/exact")) == b"\1" * (2 * MiB)
    with pytest.raises(PayloadTooLargeError):
        run(store.get(f"{root}/over"))


def test_store_limit_option_applies_and_zero_means_unlimited(
    seed: Seed, gcs_server: GCSServer, gcs_bucket: str, root: str
) -> None:
    seed("big", b"\2" * (3 * MiB))
    unlimited = GCSBlobStore(gcs_bucket, **gcs_server.options(max_payload_bytes=0))
    assert run(unlimited.get(f"{root}/big")) == b"\2" * (3 * MiB)
    small = GCSBlobStore(gcs_bucket, **gcs_server.options(max_payload_bytes=4))
    with pytest.raises(PayloadTooLargeError):
        run(small.get(f"{root}/big"))


# --- messages and the reference readers --------------------------------------------------------


def _integer_outputs(value: int) -> core.LiteralMap:
    literal = core.Literal(scalar=core.Scalar(primitive=core.Primitive(integer=value)))
    return core.LiteralMap(literals={"n": literal})


def test_read_message_decodes_and_refuses_garbage(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    seed("m.pb", _integer_outputs(3).SerializeToString())
    seed("garbage.pb", b"\xff\xff\xff")
    assert run(read_message(store, f"{root}/m.pb", core.LiteralMap)) == _integer_outputs(3)
    with pytest.raises(CorruptDataError):
        run(read_message(store, f"{root}/garbage.pb", core.LiteralMap))


def test_input_reader_reads_inputs_on_gcs(seed: Seed, store: GCSBlobStore, root: str) -> None:
    seed("run1/n0/inputs.pb", _integer_outputs(5).SerializeToString())
    reader = RemoteFileInputReader(store, SimpleInputFilePaths(f"{root}/run1/n0"))
    assert run(reader.get()) == _integer_outputs(5)


# --- listing -----------------------------------------------------------------------------------


def test_list_returns_full_references_under_the_prefix(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    for key in ("a/1", "a/2", "ab/1", "b/1"):
        seed(key, b"")
    assert run(store.list(f"{root}/a")).items == (f"{root}/a/1", f"{root}/a/2", f"{root}/ab/1")
    assert run(store.list(f"{root}/a/")).items == (f"{root}/a/1", f"{root}/a/2")
    assert len(run(store.list(root)).items) == 4
    assert run(store.list(f"{root}/nothing")) == ListPage((), None)


def test_list_over_several_pages_returns_everything_once_in_order(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    keys = [f"p/{index:02d}" for index in range(7)]
    for key in keys:
        seed(key, b"")

    async def every_page() -> list[str]:
        seen: list[str] = []
        cursor = None
        while True:
            page = await store.list(f"{root}/p", max_items=3, cursor=cursor)
            seen += page.items
            if page.cursor is None:
                return seen
            cursor = page.cursor

    assert run(every_page()) == [f"{root}/{key}" for key in keys]


def test_gcs_scheme_lists_in_its_own_form(seed: Seed, gcs_bucket: str, store: GCSBlobStore) -> None:
    seed("a/1", b"1")
    assert run(store.get(f"gcs://{gcs_bucket}/a/1")) == b"1"
    assert run(store.list(f"gcs://{gcs_bucket}/a")).items == (f"gcs://{gcs_bucket}/a/1",)


# --- delete ------------------------------------------------------------------------------------


def test_delete_removes_and_deleting_again_raises_not_found(
    seed: Seed, store: GCSBlobStore, root: str
) -> None:
    seed("x", b"1")
    run(store.delete(f"{root}/x"))
    assert not run(store.head(f"{root}/x")).exists
    with pytest.raises(NotFoundError):
        run(store.delete(f"{root}/x"))


# --- membership, references, settings ----------------------------------------------------------


@pytest.mark.parametrize("with_scheme", [True, False])
def test_storage_emulator_host_points_the_store_at_the_emulator(
    seed: Seed,
    gcs_server: GCSServer,
    gcs_bucket: str,
    monkeypatch: pytest.MonkeyPatch,
    with_scheme: bool,  # noqa: FBT001 - a test parameter
) -> None:
    host = gcs_server.endpoint if with_scheme else gcs_server.endpoint.removeprefix("http://")
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", host)
    seed("x", b"from the emulator")
    store = open_store(f"gs://{gcs_bucket}/x")
    assert run(store.get(f"gs://{gcs_bucket}/x")) == b"from the emulator"


def test_emulator_without_an_endpoint_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
    with pytest.raises(InvalidArgumentError, match="STORAGE_EMULATOR_HOST"):
        open_store("gs://bucket/x", emulator=True)
