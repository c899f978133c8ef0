"""Maps drawn with matplotlib (an optional dependency): the power in dB
with the scene on top, north up, as `drt2d map --png` draws them."""

import numpy as np

from .errors import InvalidArgument


def map(ax, values, scene=None, db_range=(-50.0, 5.0), p0=100.0,
        cmap="viridis", colorbar=True, title=None):
    """Draws a GridArray of power (from Scene.map) on a matplotlib Axes as
    10 log10(P / p0) dB over db_range, with the scene's walls (white),
    RIS (pink), vertices (dots), transmitters (triangles) and receivers
    (circles). Returns the image artist."""
    if values.ndim == 3:
        values = values[..., 0]
    box = getattr(values, "bbox", None)
    if box is None:
        raise InvalidArgument("values: expected a map from Scene.map (a "
                              "GridArray with its bbox)")
    x, y = values.x, values.y
    dx = (x[-1] - x[0]) / (len(x) - 1) if len(x) > 1 else 1.0
    dy = (y[-1] - y[0]) / (len(y) - 1) if len(y) > 1 else dx
    with np.errstate(divide="ignore"):
        db = 10.0 * np.log10(np.asarray(values) / p0)
    # no power (-inf dB) and all below the scale get its lowest colour, as
    # in drt2d's own figures, not the blank of a masked cell
    db = np.maximum(np.nan_to_num(db, nan=-np.inf), db_range[0])
    image = ax.imshow(db, origin="lower", cmap=cmap, vmin=db_range[0],
                      vmax=db_range[1], interpolation="nearest",
                      extent=(x[0] - dx / 2, x[-1] + dx / 2,
                              y[0] - dy / 2, y[-1] + dy / 2))
    if scene is not None:
        _draw_scene(ax, scene)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="dB rel. P0")
    return image


def _draw_scene(ax, scene):
    for (ax_, ay, bx, by), colour in [(w, "white") for w in scene.walls] + \
            [(r[:4], "#ff40a0") for r in scene.ris]:
        ax.plot([ax_, bx], [ay, by], color="black", lw=3.5,
                solid_capstyle="round")
        ax.plot([ax_, bx], [ay, by], color=colour, lw=2,
                solid_capstyle="round")
    v = scene.vertices
    if len(v):
        ax.plot(v[:, 0], v[:, 1], "o", color="black", mec="white", ms=4)
    for points, marker in ((scene.transmitters, "^"), (scene.receivers, "o")):
        if len(points):
            ax.plot(points[:, 0], points[:, 1], marker, color="white",
                    mec="black", ms=9, ls="none")
