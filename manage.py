#!/usr/bin/env python
"""Django's command-line utility in a source tree; an installed package has the same as the
`consultteam` command (consultteam/manage.py)."""

from consultteam.manage import main

if __name__ == "__main__":
    main()
