"""The class's score histogram (autograder/reports/histogram.py): bins of five points, drawn as SVG."""
import xml.etree.ElementTree as ET

from autograder.reports.histogram import counts, histogram_svg


def test_each_score_falls_in_the_bin_it_starts_or_the_last():
    bins = counts([0, 4.99, 5, 69.5, 70, 70, -1, 200], 70)
    assert bins[0] == (0, 5, 3)            # 0, 4.99 and a negative score
    assert bins[1] == (5, 10, 1)
    assert bins[13] == (65, 70, 1)
    assert bins[-1] == (70, 75, 3)         # full marks, and beyond
    assert sum(n for _, _, n in bins) == 8


def test_the_svg_is_well_formed_with_a_bar_per_bin_and_the_class_size():
    text = histogram_svg([10, 12, 70, 70, 65], 70)
    root = ET.fromstring(text)
    ns = '{http://www.w3.org/2000/svg}'
    bars = [r for r in root.iter(ns + 'rect') if r.find(ns + 'title') is not None]
    assert len(bars) == len(counts([], 70))
    heights = {r.find(ns + 'title').text: float(r.get('height')) for r in bars}
    assert heights['70 to 75 points: 2'] > heights['10 to 15 points: 2'] - 1e-9 > 0
    assert heights['0 to 5 points: 0'] == 0
    assert '(5 submissions)' in root.find(ns + 'title').text


def test_an_empty_class_draws_no_bar():
    ns = '{http://www.w3.org/2000/svg}'
    bars = [r for r in ET.fromstring(histogram_svg([], 70)).iter(ns + 'rect') if r.find(ns + 'title') is not None]
    assert bars and all(float(r.get('height')) == 0 for r in bars)
