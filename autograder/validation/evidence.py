"""The evidence of a validation run, gathered after it: whose mark or planted secret is in which output, and
whose trace is left in which place. A trace or mark names its variant after ``hostile.TRACE_PREFIX``."""
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.validation.hostile import TRACE_PREFIX


@dataclass
class Evidence:
    """What the run left behind, found after it, by the judge."""
    traces: dict = field(default_factory=dict)    # variant -> [paths of its trace files]
    marks: dict = field(default_factory=dict)     # variant -> [output files holding its mark]
    leaks: dict = field(default_factory=dict)     # student -> [labels of secrets in its outputs]
    processes: dict = field(default_factory=dict)     # variant -> [descriptions of processes it left]
    leaked_files: dict = field(default_factory=dict)   # label -> [output files]


def owner_of(name, names):
    """The variant a trace or mark belongs to: the longest variant name it starts with."""
    candidates = [n for n in names if name == n or name.startswith(n + '-')]
    return max(candidates, key=len) if candidates else name


def scan_outputs(grades, planted, names):
    evidence = Evidence()
    pattern = re.compile(re.escape(TRACE_PREFIX.encode()) + rb'([A-Za-z0-9_]+)')
    for path in sorted(Path(grades).rglob('*')):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        # Reports escape what they show (markdown backslashes, HTML entities): judge the text as shown.
        data = html.unescape(re.sub(rb'\\([\\`*_{}\[\]()#+\-.!|<>~])', rb'\1', data).decode(errors='replace'))
        data = data.encode()
        rel = str(path.relative_to(grades))
        student = rel.split(os.sep)[0] if os.sep in rel else None
        for match in set(pattern.findall(data)):
            owner = owner_of(match.decode(), names)
            evidence.marks.setdefault(owner, []).append(rel)
        for label, value in planted.secrets.items():
            if value.encode() in data:
                evidence.leaked_files.setdefault(label, []).append(rel)
                if student:
                    evidence.leaks.setdefault(student, []).append(label)
    return evidence


def traces_in(places, names):
    found = {}
    for place in places:
        try:
            entries = os.listdir(place)
        except OSError:
            continue
        for entry in entries:
            if entry.startswith(TRACE_PREFIX):
                owner = owner_of(entry[len(TRACE_PREFIX):], names)
                found.setdefault(owner, []).append(os.path.join(place, entry))
    return found
