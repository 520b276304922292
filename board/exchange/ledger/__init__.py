"""Office ledgers (办公室现有台账): a 重点项目推进台账 or 表态事项督办清单 imported as it is.

The rooms, in the order an import runs through them:
  grid.py        any file (.xlsx/.xlsm, .xls, .ods, CSV) read into plain grids, merges filled
  headers.py     the header synonym dictionary: a ledger header → a board field and its unit
  mapfile.py     --map FILE.toml read, and --suggest-map written
  find.py        the sheet, the header rows (merged, multi-row) and the title's year and unit
  rows.py        group / 合计 / 其中 / footer / blank rows told from data rows
  values.py      numbers as text, 万元/亿元, dates and date words, statuses, stages, categories
  units.py       departments: exact, short, bracketed, "A、B", unknown ones refused or created
  matching.py    names normalised, projects and pledges found without ever guessing an id
  plan.py        one planner per ledger: rows → the importer's RowPlans; problems collected
  projects.py / pledges.py   what one row of each kind becomes
  report.py      the preview, the refusal and the JSON a user reads
  run.py         the import itself: read, find, plan and write in one transaction

docs/excel.md ("办公室现有台账") is the user's description of the same.
"""
