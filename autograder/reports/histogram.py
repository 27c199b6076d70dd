"""The class's score histogram as a small SVG file, written directly: bars of five points each.

Drawn without a plotting library, so that the grading install stays lean and the class reports cost no
import (matplotlib's took half a second of a class run's fixed cost, measured).
"""
from html import escape

WIDTH, HEIGHT = 700, 400
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 40, 50      # the plot's margins
BIN = 5                                         # points per bar
BAR, AXIS = '#4c72b0', '#333333'


def counts(scores, max_points):
    """[(low, high, students)] of bins of BIN points from 0 past ``max_points``; a score on a bin's edge
    falls in the bin it starts."""
    edges = list(range(0, int(max_points) + 2 * BIN, BIN))
    bins = [[low, high, 0] for low, high in zip(edges, edges[1:])]
    for score in scores:
        index = min(max(int(score // BIN), 0), len(bins) - 1)
        bins[index][2] += 1
    return [tuple(b) for b in bins]


def _ticks(top):
    """Whole-number ticks from 0 to ``top``, at most about six of them."""
    step = max(1, -(-top // 5))
    return list(range(0, top + 1, step))


def histogram_svg(scores, max_points):
    """The SVG text of the histogram of ``scores`` (out of ``max_points``)."""
    bins = counts(scores, max_points)
    tallest = max([n for _, _, n in bins] + [1])
    ticks = _ticks(tallest)
    top = ticks[-1] if ticks[-1] >= tallest else tallest
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    width = plot_w / len(bins)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'font-family="sans-serif" font-size="12">' % (WIDTH, HEIGHT, WIDTH, HEIGHT),
             '<title>Grade distribution (%d submissions)</title>' % len(scores),
             '<rect width="100%" height="100%" fill="white"/>',
             '<text x="%d" y="24" text-anchor="middle" font-size="15">Grade distribution (%d submissions)</text>'
             % (WIDTH // 2, len(scores))]
    for i, (low, high, n) in enumerate(bins):
        h = plot_h * n / top
        x, y = LEFT + i * width, TOP + plot_h - h
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="white">'
                     '<title>%d to %d points: %d</title></rect>' % (x, y, width, h, BAR, low, high, n))
        parts.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (x, TOP + plot_h + 16, low))
    for tick in ticks:
        y = TOP + plot_h - plot_h * tick / top
        parts.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>' % (LEFT - 4, y, LEFT, y, AXIS))
        parts.append('<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%d</text>'
                     % (LEFT - 8, y, tick))
    parts += ['<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>' % (LEFT, TOP, LEFT, TOP + plot_h, AXIS),
              '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>'
              % (LEFT, TOP + plot_h, LEFT + plot_w, TOP + plot_h, AXIS),
              '<text x="%d" y="%d" text-anchor="middle">%s</text>'
              % (LEFT + plot_w // 2, HEIGHT - 12, escape('Automatic score (out of %g)' % max_points)),
              '<text transform="translate(16 %d) rotate(-90)" text-anchor="middle">Students</text>'
              % (TOP + plot_h // 2),
              '</svg>']
    return '\n'.join(parts) + '\n'
