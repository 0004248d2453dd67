"""``python -m mockserver`` runs the lookupkit command."""

from mockserver.cli import main

main()
