"""``bnkit``: the instructor's command line.

Each subcommand lives in its own module with ``add_arguments(parser)`` and
``run(args) -> int``; this file only dispatches, so importing the CLI stays
cheap and one broken subcommand cannot break the others.
"""
import argparse
import importlib
import sys

SUBCOMMANDS = {
    # name: (module, one-line help)
    'fetch-data': ('autograder.commands.fetch_data', 'download and verify the CIFAR-10 archive'),
    'release': ('autograder.commands.release', 'generate the student release with nbgrader'),
    'grade': ('autograder.commands.grade', 'grade submissions in sandboxed workers'),
    'demo': ('autograder.commands.demo', 'generate the release, grade the sample submissions, print the table'),
    'gradescope-bundle': ('autograder.commands.gradescope_bundle', "write Gradescope's autograder.zip"),
    'run-autograder': ('autograder.commands.run_autograder', "grade one submission the way Gradescope's run_autograder does"),
    'validate': ('autograder.commands.validate', 'grade the validation set of correct, buggy and hostile variants'),
    'similarity': ('autograder.commands.similarity', 'list pairs of students whose solutions share much code'),
}


def build_parser():
    parser = argparse.ArgumentParser(prog='bnkit', description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # a subcommand whose module is not installed is simply not offered
        p = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip())
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, '_run', None):
        parser.print_help()
        return 2
    try:
        return args._run(args) or 0
    except KeyboardInterrupt:
        print('interrupted', file=sys.stderr)
        return 130


if __name__ == '__main__':
    sys.exit(main())
