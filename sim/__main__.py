"""`python -m sim`: run the default configuration (see sim.cli)."""

from sim.cli import main

raise SystemExit(main())
