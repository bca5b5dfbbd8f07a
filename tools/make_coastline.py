"""Make ``src/kurilsim/data/coastline_kuril.json`` from Natural Earth land outlines.

The outline :func:`kurilsim.plot.islands_map` draws.  Run once, by hand, when
the source changes (the JSON is committed; nothing here runs at import or plot
time)::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/make_coastline.py /tmp/package/land-10m.json

Steps:

1. Read the TopoJSON topology ``land-10m.json`` of the npm package
   ``world-atlas`` 2.0.2 (ISC licence; Natural Earth 4.1.0 1:10m land,
   public domain).
2. Decode its arcs: quantized positions, delta-encoded, mapped to degrees
   by the topology's ``transform`` (``lon = x * scale[0] + translate[0]``);
   an arc index ``~i`` (i.e. ``-i - 1``) means arc ``i`` reversed, and arcs
   joining in a ring share their end point (dropped once).
3. Keep the rings that meet the box around Hokkaido and the southern Kurils
   (:data:`BOX`), clipped to it (Sutherland-Hodgman against each side).
4. Simplify each ring (Douglas-Peucker, tolerance :data:`TOLERANCE` degrees)
   and drop rings too small to see (fewer than 4 points) unless they are one
   of the disputed islands.
5. Name each polygon by its centroid: one of the four disputed islands
   (boxes :data:`ISLAND_BOXES`, checked against the islets' positions in
   Natural Earth), ``"hokkaido"`` for the largest ring, else ``"other"``.
6. Write the JSON with a header naming the source, version, licence and
   this tool, coordinates rounded to 4 decimals (~10 m).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

from kurilsim._io import atomic_output

#: lon_min, lat_min, lon_max, lat_max of the outline kept (degrees).
BOX = (139.0, 41.0, 150.0, 47.0)
#: Douglas-Peucker tolerance, degrees (~0.2 km).
TOLERANCE = 0.002
#: The disputed islands by the box holding each one's centroid (degrees:
#: lon_min, lat_min, lon_max, lat_max).  Habomai is a group of islets off the
#: Nemuro peninsula; Shikotan lies north-east of it; Kunashir runs north-east
#: from the Shiretoko and Nemuro peninsulas; Iturup lies beyond it.
ISLAND_BOXES = {
    "habomai": (145.75, 43.30, 146.55, 43.70),
    "shikotan": (146.55, 43.70, 146.95, 43.95),
    "kunashir": (145.40, 43.55, 146.70, 44.60),
    "iturup": (146.80, 44.30, 148.95, 45.60),
}
#: Where the output goes, relative to the repository root.
OUTPUT = Path("src/kurilsim/data/coastline_kuril.json")

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc in degrees (delta-decoded and transformed)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A closed ring from arc indices (``~i``: arc ``i`` reversed)."""
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland-Hodgman clipping of a closed ring to an axis-aligned box."""
    lon_min, lat_min, lon_max, lat_max = box
    sides = [
        (lambda p: p[0] >= lon_min, 0, lon_min),
        (lambda p: p[0] <= lon_max, 0, lon_max),
        (lambda p: p[1] >= lat_min, 1, lat_min),
        (lambda p: p[1] <= lat_max, 1, lat_max),
    ]
    out = points[:-1] if points and points[0] == points[-1] else list(points)
    for inside, axis, value in sides:
        if not out:
            break
        given, out = out, []
        previous = given[-1]
        for point in given:
            if inside(point):
                if not inside(previous):
                    out.append(_cross(previous, point, axis, value))
                out.append(point)
            elif inside(previous):
                out.append(_cross(previous, point, axis, value))
            previous = point
    return [*out, out[0]] if out else []


def _cross(a: Point, b: Point, axis: int, value: float) -> Point:
    t = (value - a[axis]) / (b[axis] - a[axis])
    x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
    return (value, y) if axis == 0 else (x, value)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker simplification (iterative, keeps both ends)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        worst, where = -1.0, -1
        for k in range(first + 1, last):
            px, py = points[k]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > worst:
                worst, where = d, k
        if worst > tolerance:
            keep[where] = True
            stack += [(first, where), (where, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def area_and_centroid(points: list[Point]) -> tuple[float, Point]:
    """Signed area (square degrees) and centroid of a closed ring."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        xs, ys = zip(*points, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return area, (cx / (6 * area), cy / (6 * area))


def name_of(centroid: Point) -> str | None:
    for name, (x0, y0, x1, y1) in ISLAND_BOXES.items():
        if x0 <= centroid[0] <= x1 and y0 <= centroid[1] <= y1:
            return name
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topology", type=Path, help="world-atlas's land-10m.json")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    topology = json.loads(args.topology.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    lon_min, lat_min, lon_max, lat_max = BOX
    shapes: list[tuple[float, Point, list[Point]]] = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            outer = ring(polygon[0], arcs)  # holes (lakes) are not drawn
            xs = [p[0] for p in outer]
            ys = [p[1] for p in outer]
            if max(xs) < lon_min or min(xs) > lon_max or max(ys) < lat_min or min(ys) > lat_max:
                continue
            clipped = clip(outer, BOX)
            if len(clipped) < 4:
                continue
            area, centroid = area_and_centroid(clipped)
            shapes.append((abs(area), centroid, clipped))
    largest = max(range(len(shapes)), key=lambda k: shapes[k][0])
    features = []
    total = 0
    for k, (area, centroid, points) in enumerate(shapes):
        name = "hokkaido" if k == largest else name_of(centroid) or "other"
        simple = simplify(points, TOLERANCE)
        if len(simple) < 4:
            if name == "other":
                continue
            simple = points  # a disputed islet: keep it, however small
        total += len(simple)
        features.append({
            "name": name,
            "area_deg2": round(area, 6),
            "ring": [[round(x, 4), round(y, 4)] for x, y in simple],
        })
    features.sort(key=lambda f: (f["name"] == "other", f["name"], -f["area_deg2"]))
    document = {
        "source": (
            "Natural Earth 1:10m physical vectors, land polygons (version 4.1.0), "
            "as TopoJSON in the npm package world-atlas 2.0.2 (land-10m.json)"
        ),
        "source_url": "https://www.naturalearthdata.com/ ; https://github.com/topojson/world-atlas",
        "licence": (
            "Natural Earth: public domain (https://www.naturalearthdata.com/about/terms-of-use/); "
            "world-atlas packaging: ISC licence, Copyright 2013-2019 Michael Bostock"
        ),
        "tool": (
            "tools/make_coastline.py: arcs decoded, clipped to the box, simplified "
            f"(Douglas-Peucker, {TOLERANCE} degrees), named by centroid"
        ),
        "crs": "WGS 84 longitude, latitude (degrees)",
        "bbox": list(BOX),
        "points": total,
        "features": features,
    }
    with atomic_output(args.out, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(document, separators=(",", ":")) + "\n")
    names: dict[str, int] = {}
    for feature in features:
        names[feature["name"]] = names.get(feature["name"], 0) + 1
    print(f"wrote {args.out}: {len(features)} polygons, {total} points; {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
