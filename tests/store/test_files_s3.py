"""Job files on S3: ``FileStore("s3://bucket/prefix")`` against moto's S3 server, a real
HTTP endpoint in a subprocess.

A file is invisible until complete and leaves nothing when its writer fails; it reads
back whole; the store's presigned link downloads it with a plain GET and is bound to its
key and expiry; ``delete_tree`` removes a job's directory. Then end to end: a server and
a worker whose settings put files on S3, a job run, and its link fetched.

moto accepts any signature on a presigned link (it only refuses a link without one), so
the tampering checks verify the Signature Version 4 as S3 does
(``tests.support.jobs.sigv4_query_valid``), and check against moto that an unsigned link
is refused.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from pinsight.domain.ids import new_id
from pinsight.services.jobs import queue
from pinsight.services.jobs.worker import Worker
from pinsight.store import files as files_module
from pinsight.store.files import FileStore
from tests.support.jobs import (MotoS3, add_jobs, all_jobs, job_runtime, make_owner, new_kind_name, now_utc,
                                recording_kind, sigv4_query_valid)
from tests.support.server import LiveServer


@pytest.fixture(scope="module")
def s3():
    server = MotoS3().start()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3):
    return s3.create_bucket()


@pytest.fixture
def store(s3, bucket) -> FileStore:
    return FileStore(f"s3://{bucket}/prefix", options=s3.options())


def test_a_file_is_invisible_until_complete(s3, bucket, store):
    key = "report/1/1/out.csv"
    assert not store.local
    with store.writing(key) as sink:
        sink.write(b"a,b\n" * 1000)
        sink.flush()
        assert not store.exists(key)
        assert f"prefix/{key}" not in s3.keys(bucket)
    assert store.exists(key)
    assert s3.keys(bucket) == [f"prefix/{key}"]  # the temporary object was moved, not copied
    assert store.size(key) == 4000


def test_a_failed_write_leaves_nothing(s3, bucket, store):
    with pytest.raises(RuntimeError, match="half way"):
        with store.writing("report/2/1/out.csv") as sink:
            sink.write(b"x" * (6 * 1024 * 1024))  # past s3fs's 5 MiB block: a part is uploaded
            sink.flush()
            raise RuntimeError("half way")
    assert s3.keys(bucket) == []
    assert not store.exists("report/2/1/out.csv")


def test_chunks_read_it_back(store, monkeypatch):
    monkeypatch.setattr(files_module, "CHUNK_BYTES", 1000)
    data = bytes(range(256)) * 10  # 2,560 bytes: three chunks
    with store.writing("report/3/1/out.bin") as sink:
        sink.write(data)
    chunks = list(store.chunks("report/3/1/out.bin"))
    assert [len(chunk) for chunk in chunks] == [1000, 1000, 560]
    assert b"".join(chunks) == data
    with pytest.raises(FileNotFoundError):
        store.chunks("report/3/1/missing.bin")


def test_a_presigned_link_downloads_with_a_plain_get(s3, bucket, store):
    key = "report/4/1/out.csv"
    data = b"id,value\n" + b"".join(f"{n},{n * n}\n".encode() for n in range(500))
    with store.writing(key) as sink:
        sink.write(data)
    url = store.presigned_url(key, 600)
    assert url.startswith(f"{s3.endpoint}/{bucket}/prefix/{key}?")
    answer = httpx.get(url)
    assert answer.status_code == 200 and answer.content == data
    # Signed as S3 checks it (Signature Version 4), for this key, until its expiry.
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url
    now = now_utc()
    assert sigv4_query_valid(url, "test", now)
    assert not sigv4_query_valid(url, "test", now + timedelta(seconds=601))  # expired
    assert not sigv4_query_valid(url, "wrong-secret", now)
    with store.writing("report/5/1/out.csv") as sink:
        sink.write(b"someone else's")
    tampered = {
        "key": url.replace("/report/4/1/", "/report/5/1/"),
        "expires": url.replace("X-Amz-Expires=600", "X-Amz-Expires=999999"),
        "signature": re.sub(r"X-Amz-Signature=([0-9a-f])", lambda m: "X-Amz-Signature=" + "0123"[
            (int(m.group(1), 16) + 1) % 4], url),
        "date": re.sub(r"X-Amz-Date=\d{8}T(\d{2})", "X-Amz-Date=20990101T\\1", url),
    }
    for part, link in tampered.items():
        assert link != url, part
        assert not sigv4_query_valid(link, "test", now), f"a link with its {part} changed still verifies"
    # moto itself refuses a link without its signature (it does not check signatures' values).
    unsigned = url.split("?")[0]
    assert httpx.get(unsigned).status_code == 403
    assert httpx.get(re.sub(r"&X-Amz-Signature=[0-9a-f]+", "", url)).status_code == 403


def test_the_signature_version_can_still_be_chosen(s3, bucket):
    store = FileStore(f"s3://{bucket}/prefix", options=json.dumps({**s3.options(),
                                                                   "config_kwargs": {"signature_version": "s3"}}))
    with store.writing("a/1/1/f.txt") as sink:
        sink.write(b"v2")
    url = store.presigned_url("a/1/1/f.txt", 60)
    assert "Signature=" in url and "X-Amz-Algorithm" not in url
    assert httpx.get(url).content == b"v2"


def test_delete_tree_removes_a_job_s_directory(s3, bucket, store):
    for key in ("export/7/1/out.csv.part-aaaa", "export/7/2/out.csv", "export/70/1/out.csv", "export/8/1/out.csv"):
        with store.writing(key) as sink:
            sink.write(b"x")
    store.delete_tree("export/7")
    assert s3.keys(bucket) == ["prefix/export/70/1/out.csv", "prefix/export/8/1/out.csv"]
    store.delete_tree("export/7")  # gone already: nothing to do
    with pytest.raises(ValueError):
        store.delete_tree("../other")


def test_a_job_s_file_on_s3_end_to_end(s3, bucket, tmp_path):
    """A server and a worker whose settings put job files on S3 (PINSIGHT_FILES_URL and
    PINSIGHT_FILES_OPTIONS): the job's link is S3's own, and fetching it returns the file;
    the server's own signed link to the same key streams it from S3 too."""
    rt = job_runtime(f"sqlite:///{tmp_path / 'jobs.sqlite3'}", f"s3://{bucket}/jobs",
                     files_options=json.dumps(s3.options()), embedded_workers=0)
    live = LiveServer(rt).start()
    try:
        kind = new_kind_name()
        log_dir = tmp_path / "log"
        log_dir.mkdir()
        (job_id,) = add_jobs(rt, kind, make_owner(rt), [new_id()],
                             {"log_dir": str(log_dir), "rows": 50, "file_name": "report.csv"})
        assert Worker(rt, name="s3-worker", kinds={kind: recording_kind(kind)}).run_once()
        job = all_jobs(rt, kind)[job_id]
        assert job.state == "finished" and job.file_key == f"{kind}/{job_id}/1/report.csv"
        assert s3.keys(bucket) == [f"jobs/{job.file_key}"]
        expected = f"job {job_id} worker pid".encode()
        link = queue.download(rt, job)
        assert link.url.startswith(f"{s3.endpoint}/{bucket}/jobs/{job.file_key}?")
        assert link.size == job.file_size
        fetched = httpx.get(link.url)
        assert fetched.status_code == 200
        assert len(fetched.content) == job.file_size and fetched.content.count(b"\n") == 50
        assert fetched.content.startswith(expected)
        assert sigv4_query_valid(link.url, "test", now_utc())
        # The server's own link (what a local directory gets) serves the same bytes from S3.
        from urllib.parse import quote, urlencode

        from pinsight.domain import signed_links

        query = urlencode(signed_links.sign(rt.link_secret, job.file_key, int(rt.clock.timestamp()) + 60))
        served = httpx.get(f"{live.url}{queue.FILES_PATH}/{quote(job.file_key)}?{query}")
        assert served.status_code == 200 and served.content == fetched.content
        assert urlsplit(link.url).netloc != urlsplit(live.url).netloc
    finally:
        live.stop()
        rt.engine.dispose()
