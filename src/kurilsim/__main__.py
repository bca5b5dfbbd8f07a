"""``python -m kurilsim``: the same command line as ``kurilsim`` (see :mod:`kurilsim.cli`)."""

import sys

try:
    from kurilsim.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python still loads numpy and scipy
    if __name__ != "__main__":
        raise
    print("kurilsim: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

if __name__ == "__main__":
    raise SystemExit(main())
