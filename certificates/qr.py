"""QR codes on printed certificates: segno encodes, reportlab draws one vector path.

Two choices keep a certificate fast to print (the QR code is the slow part of the page):

- a fixed mask pattern. segno otherwise tries all eight and scores each (about 5x the
  encoding time); any of the eight gives a valid code that readers decode.
- the dark modules drawn as one filled path of rectangles, one per horizontal run of dark
  modules, instead of a PNG or a rectangle per module. The page stays sharp at any scale and
  small, and the path is a single fill, so no hairline seams show between modules.
"""

import segno

ERROR_LEVEL = "m"  # 15% of the code may be damaged (a scratched card, a fold)
MASK = 4  # fixed, see above
QUIET_ZONE = 4  # light modules around the code, as the standard requires


def qr_matrix(data: str) -> tuple[bytearray, ...]:
    """The modules of the QR code for ``data``, row by row from the top (1 dark, 0 light),
    without the quiet zone. Always error level M, never raised by segno."""
    return segno.make_qr(data, error=ERROR_LEVEL, mask=MASK, boost_error=False).matrix


def dark_runs(matrix) -> list[tuple[int, int, int]]:
    """The horizontal runs of dark modules as (row, first column, length)."""
    runs = []
    for row_number, row in enumerate(matrix):
        start = None
        for column, module in enumerate(row):
            if module and start is None:
                start = column
            elif not module and start is not None:
                runs.append((row_number, start, column - start))
                start = None
        if start is not None:
            runs.append((row_number, start, len(row) - start))
    return runs


def path_operators(matrix) -> str:
    """PDF operators filling every dark module as one path, in module units with the origin
    at the bottom-left corner of the code (quiet zone excluded)."""
    size = len(matrix)
    rectangles = [
        f"{column} {size - 1 - row} {length} 1 re" for row, column, length in dark_runs(matrix)
    ]
    return "\n".join(rectangles) + "\nf"


def draw_qr(canvas, data: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR code for ``data`` in black on ``canvas``: a square of ``size`` points whose
    bottom-left corner is (x, y), quiet zone included (keep that square free of ink)."""
    matrix = qr_matrix(data)
    module = size / (len(matrix) + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.translate(x + QUIET_ZONE * module, y + QUIET_ZONE * module)
    canvas.scale(module, module)
    canvas.addLiteral(path_operators(matrix))
    canvas.restoreState()
