"""The years any date in a file may fall in (the planner and the checker work inside them): a module
of its own, with nothing to import, so the command's receipt (liaison_cli.receipts, through
liaison.year.registers) reads them without loading the text validators."""

FIRST_YEAR, LAST_YEAR = 1950, 2199
