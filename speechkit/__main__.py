"""``python -m speechkit``: the ``speechkit`` command."""

from speechkit.cli import main

if __name__ == "__main__":
    main()
