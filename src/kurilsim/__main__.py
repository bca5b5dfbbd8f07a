"""``python -m kurilsim``: the same command line as ``kurilsim`` (see :mod:`kurilsim.cli`)."""

from kurilsim.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
