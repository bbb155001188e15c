#!/usr/bin/env python
"""Same as the `rucher` command, for habit."""

from rucher.cli import main

if __name__ == "__main__":
    main()
