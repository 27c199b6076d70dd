"""``bnkit``: the instructor's command line.

Each subcommand lives in its own module with ``add_arguments(parser)`` and
``run(args) -> int``; this file only dispatches. Only the module of the
subcommand that runs is imported (the others are listed by name and help), so
``bnkit --help`` and every command start without loading what the others need,
and one broken subcommand cannot break the others.
"""
import argparse
import importlib
import importlib.util
import os
import sys

from autograder.assignment import AssignmentError

SUBCOMMANDS = {
    # name: (module, one-line help)
    'fetch-data': ('autograder.cli.fetch_data', 'download and verify the CIFAR-10 archive'),
    'release': ('autograder.cli.release', 'generate the student release with nbgrader'),
    'grade': ('autograder.cli.grade', 'grade submissions in sandboxed workers'),
    'report': ('autograder.cli.report', 'publish a class graded in shards: its grades.csv and pages'),
    'demo': ('autograder.cli.demo', 'generate the release, grade the sample submissions, print the table'),
    'gradescope-bundle': ('autograder.cli.gradescope_bundle', "write Gradescope's autograder.zip"),
    'run-autograder': ('autograder.cli.run_autograder', "grade one submission the way Gradescope's run_autograder does"),
    'validate': ('autograder.cli.validate', 'grade the validation set of correct, buggy and hostile variants'),
    'similarity': ('autograder.cli.similarity', 'list pairs of students whose solutions share much code'),
    'export': ('autograder.cli.export', 'write the grade-import file for Canvas, Moodle or Blackboard'),
}


def chosen_command(argv):
    """The subcommand named on the command line (its first word that is not an option), or None."""
    return next((arg for arg in argv if not arg.startswith('-')), None)


def build_parser(argv=None):
    """The parser for ``argv``: every installed subcommand is listed, and only the chosen one's module is
    imported to declare its arguments."""
    chosen = chosen_command(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog='bnkit', description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        if importlib.util.find_spec(module_name) is None:
            continue  # a subcommand whose module is not installed is simply not offered
        if name != chosen:
            sub.add_parser(name, help=help_text, description=help_text)
            continue
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip())
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv=None):
    # A terminal, a log file or a batch system's output may not take every character of a student's name:
    # what it cannot show is escaped, never an error that stops the run.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, 'reconfigure'):
            stream.reconfigure(errors='backslashreplace')
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, '_run', None):
        parser.print_help()
        return 2
    try:
        return args._run(args) or 0
    except AssignmentError as exc:     # an unknown --assignment, or one that has to be chosen
        print('error: %s' % exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print('interrupted', file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`bnkit grade ... | head`): whatever was written to files is
        # whole, and what was left to print has no one to read it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141

