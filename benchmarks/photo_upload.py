"""photo.upload_12mp: a 12-megapixel photo uploaded by a device, beside Pillow's thumbnail."""

import hashlib
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from benchmarks import seed
from benchmarks.report import emit

ROUNDS = 5


def make_jpeg(path: Path, width: int, height: int) -> None:
    """A textured photo-sized JPEG (plain colours would compress to nothing)."""
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40)
    Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180))).save(
        path, "JPEG", quality=90
    )


# Runs in a fresh process. VmHWM is this process's own peak; ru_maxrss would start at the
# parent's. The naive full decode at the end is the control that shows growth is visible.
_CHILD = """
import json, sys, tempfile
from pathlib import Path
from PIL import Image
from benchmarks.photo_upload import App

def peak():
    status = Path("/proc/self/status").read_text().splitlines()
    return int(next(l for l in status if l.startswith("VmHWM")).split()[1])

app = App(Path(tempfile.mkdtemp()))
app.upload(Path(sys.argv[2]))
app.reset()
warm = peak()
app.upload(Path(sys.argv[1]))
ours = peak()
with Image.open(sys.argv[1]) as image:
    image.load()
print(json.dumps({"warm_kib": warm, "peak_kib": ours, "naive_kib": peak()}))
"""


class App:
    """A Vigil app on a temporary SQLite database with one enrolled device."""

    def __init__(self, folder: Path) -> None:
        from server import create_app, migrate, serving
        from server.domain.actor import Actor, Role, reset_actor, set_actor
        from server.domain.registry import enrollment

        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'bench.db'}"
        migrate.upgrade(url)
        self.app = create_app(
            {"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PHOTO_DIR": str(folder / "photos")}
        )
        with self.app.extensions["vigil"].sessionmaker() as session:
            org, site = seed.tenant(session)
            token = set_actor(Actor(None, org.id, Role.ADMIN, label="bench"))
            try:
                _, code = enrollment.create_code(session, site.id)
            finally:
                reset_actor(token)
            session.commit()
        self.client = self.app.test_client()
        serving.settle()  # as each gunicorn worker does once the app is loaded
        enrolled = self.client.post(
            "/api/v1/device/enroll",
            json={"code": code, "serial": "CAM"},
            headers={"Vigil-Protocol": "1"},
        )
        self.headers = {"Authorization": f"Bearer {enrolled.json['token']}", "Vigil-Protocol": "1"}
        self.folder = folder

    def upload(self, path: Path) -> None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with path.open("rb") as stream:  # streamed from disk, as a real client would send it
            response = self.client.put(
                f"/api/v1/device/photos/{digest}",
                input_stream=stream,
                content_length=path.stat().st_size,
                headers=self.headers | {"Content-Type": "image/jpeg"},
            )
        assert response.status_code == 201, response.json

    def reset(self) -> None:
        """Forget stored photos so the next upload does the full work again."""
        from sqlalchemy import text

        with self.app.extensions["vigil"].engine.begin() as conn:
            conn.execute(text("DELETE FROM photos"))
        for file in (self.folder / "photos").rglob("*"):
            if file.is_file():
                file.unlink()


def _peaks(photo: Path, warmup: Path) -> dict[str, int]:
    out = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", _CHILD, str(photo), str(warmup)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        photo, big, small = folder / "12mp.jpg", folder / "40mp.jpg", folder / "1mp.jpg"
        make_jpeg(photo, 4000, 3000)
        make_jpeg(big, 7300, 5475)
        make_jpeg(small, 1200, 900)
        data = photo.read_bytes()
        app = App(folder / "app")
        ours, base = [], []
        for _ in range(ROUNDS):
            app.reset()
            start = time.perf_counter()
            app.upload(photo)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            with Image.open(io.BytesIO(data)) as image:
                image.thumbnail((320, 320))
                image.convert("RGB").save(io.BytesIO(), "JPEG", quality=85)
            base.append(time.perf_counter() - start)
        at_12, at_40 = _peaks(photo, small), _peaks(big, small)
        emit(
            "photo.upload_12mp",
            statistics.median(ours) * 1000,
            "ms",
            statistics.median(base) * 1000,
            f"4000x3000 JPEG, {len(data) / 2**20:.1f} MiB, streamed to PUT /api/v1/device/photos "
            "(hash, checks, EXIF orientation, 320 px thumbnail, durable writes); baseline: Pillow "
            "opening the same bytes and saving the same thumbnail. Peak RSS (VmHWM): "
            f"{at_12['warm_kib'] / 1024:.0f} MiB after start-up and a 1 MP upload, "
            f"{at_12['peak_kib'] / 1024:.0f} MiB after a 12 MP upload, "
            f"{at_40['peak_kib'] / 1024:.0f} MiB after a 40 MP one; a naive full decode of the "
            f"40 MP file (control) reaches {at_40['naive_kib'] / 1024:.0f} MiB",
        )
