"""Deterministic sample file contents for the demo: CSV, JSON, logs, PNG, archives.

Everything is generated from a seeded RNG with the standard library only (PNGs are
written with zlib and struct), so the demo needs no extra packages and looks the
same on every run.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import struct
import tarfile
import zipfile
import zlib
from datetime import date, datetime, timedelta

PRODUCTS = [
    ("P-100", "Espresso beans 1kg", 18.5),
    ("P-101", "Pour-over kettle", 42.0),
    ("P-102", "Ceramic mug", 9.9),
    ("P-103", "Grinder (burr)", 129.0),
    ("P-104", "Paper filters x100", 4.5),
    ("P-105", "Cold brew bottle", 24.0),
    ("P-106", "Tea sampler", 15.0),
    ("P-107", "Milk frother", 35.0),
]
REGIONS = ["north", "south", "east", "west", "online"]
CITIES = ["Lisbon", "Oslo", "Kraków", "São Paulo", "Zürich", "Osaka", "Austin", "Nairobi"]
FIRST = ["Ana", "Bjørn", "Chen", "Dara", "Émile", "Fatima", "Goran", "Hana", "Ivan", "Jun"]
LAST = ["Silva", "Hansen", "Wang", "Okafor", "Dubois", "Khan", "Novak", "Sato", "Petrov"]


def orders_in(month: int) -> int:
    """A seasonal order count: a summer dip and a year-end peak, so charts have a shape."""
    return 150 + 10 * month - (40 if month in (7, 8) else 0) + (120 if month in (11, 12) else 0)


def sales_csv(year: int, month: int, rows: int | None = None) -> bytes:
    rows = orders_in(month) if rows is None else rows
    rng = random.Random(year * 100 + month)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["order_id", "date", "region", "product_id", "product", "qty", "unit_price"])
    for i in range(rows):
        product = rng.choice(PRODUCTS)
        day = rng.randint(1, 28)
        writer.writerow(
            [
                f"{year}{month:02d}-{i:05d}",
                date(year, month, day).isoformat(),
                rng.choice(REGIONS),
                product[0],
                product[1],
                rng.randint(1, 6),
                f"{product[2]:.2f}",
            ]
        )
    return out.getvalue().encode()


def sales_summary(year: int) -> bytes:
    months = []
    for month in range(1, 13):
        rows = list(csv.DictReader(io.StringIO(sales_csv(year, month).decode())))
        revenue = sum(int(r["qty"]) * float(r["unit_price"]) for r in rows)
        months.append(
            {"month": f"{year}-{month:02d}", "orders": len(rows), "revenue": round(revenue, 2)}
        )
    doc = {"year": year, "currency": "EUR", "months": months, "generated_by": "demo seed"}
    return json.dumps(doc, indent=2, ensure_ascii=False).encode()


def customers(count: int = 150) -> list[dict[str, object]]:
    rng = random.Random(7)
    out = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        out.append(
            {
                "id": f"C-{i:04d}",
                "name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}{i}@example.com",
                "city": rng.choice(CITIES),
                "since": (date(2019, 1, 1) + timedelta(days=rng.randint(0, 1800))).isoformat(),
                "vip": rng.random() < 0.1,
                "tags": rng.sample(["coffee", "tea", "gear", "gift", "b2b"], k=2),
            }
        )
    return out


def customers_json() -> bytes:
    return json.dumps(customers(), indent=2, ensure_ascii=False).encode()


def customers_ndjson() -> bytes:
    return "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in customers()).encode()


def events_ndjson(day: date, count: int = 400) -> bytes:
    rng = random.Random(day.toordinal())
    lines = []
    start = datetime(day.year, day.month, day.day)
    for i in range(count):
        ts = start + timedelta(seconds=rng.randint(0, 86399))
        event = {
            "ts": ts.isoformat() + "Z",
            "event": rng.choice(["page_view", "add_to_cart", "checkout", "search", "login"]),
            "session": f"s-{rng.randint(1, 90):03d}",
            "path": rng.choice(["/", "/shop", "/shop/beans", "/cart", "/account"]),
            "ms": rng.randint(5, 900),
            "seq": i,
        }
        lines.append(json.dumps(event))
    return ("\n".join(lines) + "\n").encode()


def access_log(day: date, count: int = 500) -> bytes:
    rng = random.Random(day.toordinal() + 1)
    lines = []
    for _ in range(count):
        ts = datetime(day.year, day.month, day.day) + timedelta(seconds=rng.randint(0, 86399))
        ip = f"203.0.113.{rng.randint(1, 254)}"
        path = rng.choice(["/", "/shop", "/shop/beans", "/cart", "/api/orders", "/robots.txt"])
        status = rng.choice([200] * 12 + [301, 404, 500])
        size = rng.randint(200, 48_000)
        stamp = ts.strftime("%d/%b/%Y:%H:%M:%S +0000")
        lines.append(f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" {status} {size} "-" "Mozilla/5.0"')
    return ("\n".join(lines) + "\n").encode()


def report_markdown(title: str, quarter: str) -> bytes:
    text = f"""# {title}

Quarter: {quarter}

## Highlights
- Online orders grew faster than shop orders.
- Grinders remain the highest-revenue product.
- Returns stayed under 2 %.

## Notes
The figures come from the sales CSVs in s3://demo-analytics/sales/.
"""
    return text.encode()


def large_text(target_bytes: int) -> bytes:
    """A CSV of at least ``target_bytes`` (used for the multipart upload)."""
    header = b"row,sensor,value,unit\n"
    line_count = target_bytes // 32 + 1
    body = b"".join(
        b"%08d,sensor-%03d,%09.3f,C\n" % (i, i % 97, (i * 7) % 1000 / 3) for i in range(line_count)
    )
    return header + body


# -- images -------------------------------------------------------------------------
def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, pixel: object) -> bytes:
    """A valid RGB PNG; ``pixel(x, y)`` returns an (r, g, b) tuple."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel(x, y))  # type: ignore[operator]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def gradient_png(width: int = 320, height: int = 200) -> bytes:
    return png(width, height, lambda x, y: (x * 255 // width, y * 255 // height, 160))


def bar_chart_png(values: list[float], width: int = 360, height: int = 220) -> bytes:
    """A simple bar chart (white background, blue bars, grey axis)."""
    top = max(values) or 1.0
    n = len(values)
    slot = (width - 20) // n
    bars = []
    for i, v in enumerate(values):
        x0 = 15 + i * slot + 3
        bars.append((x0, x0 + slot - 6, height - 15 - int((height - 30) * v / top)))

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if y == height - 15 and x >= 10:
            return (90, 90, 90)
        if x == 12 and y <= height - 15:
            return (90, 90, 90)
        for x0, x1, ytop in bars:
            if x0 <= x < x1 and ytop <= y < height - 15:
                return (46, 110, 200)
        return (255, 255, 255)

    return png(width, height, pixel)


def checker_png(size: int = 64, cell: int = 8) -> bytes:
    return png(
        size,
        size,
        lambda x, y: (230, 230, 230) if (x // cell + y // cell) % 2 else (40, 40, 40),
    )


def logo_svg() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
        b'<circle cx="60" cy="60" r="50" fill="#6b4226"/>'
        b'<text x="60" y="70" font-size="28" text-anchor="middle" fill="#fff">Brew</text></svg>\n'
    )


# -- binary -------------------------------------------------------------------------
def zip_archive(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 4, 1, 9, 0, 0)), data)
    return buf.getvalue()


def tar_gz(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_711_962_000
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def parquet_like(rows: int = 500) -> bytes:
    """Bytes framed like Parquet (PAR1 magic at both ends), not a readable Parquet file."""
    rng = random.Random(42)
    payload = b"".join(struct.pack("<id", i, rng.random() * 100) for i in range(rows))
    footer = json.dumps({"schema": ["id:int32", "value:double"], "rows": rows}).encode()
    return b"PAR1" + payload + footer + struct.pack("<I", len(footer)) + b"PAR1"


def random_bytes(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


def large_log_part(n: int, day: date) -> bytes:
    """One small NDJSON part for the large bucket (cheap: built by formatting only)."""
    return b'{"ts":"%sT%02d:%02d:00Z","part":%d,"level":"%s","msg":"request served","ms":%d}\n' % (
        day.isoformat().encode(),
        n % 24,
        n % 60,
        n,
        (b"INFO", b"WARN", b"ERROR")[n % 3],
        n % 997,
    )
