"""Progress for long calls: a tqdm bar, a line on stderr, or the
caller's callable."""

import sys

from .errors import InvalidArgument


def progress_bar(progress, total, unit):
    """progress: None/False (none), True (a tqdm bar when tqdm is
    installed, else a line on stderr), or a callable progress(done,
    total). Returns (callable or None, closer)."""
    if progress is None or progress is False:
        return None, lambda: None
    if progress is True:
        try:
            from tqdm import tqdm
        except ImportError:
            return _stderr_progress(unit)
        bar = tqdm(total=total, unit=unit)

        def update(done, _total):
            bar.update(done - bar.n)
        return update, bar.close
    if not callable(progress):
        raise InvalidArgument("progress: expected True, False or a callable")
    return progress, lambda: None


def _stderr_progress(unit):
    def update(done, total):
        sys.stderr.write(f"\rdrt2d: {done:.0f}/{total:.0f} {unit}s")
        sys.stderr.flush()
    return update, lambda: sys.stderr.write("\n")
